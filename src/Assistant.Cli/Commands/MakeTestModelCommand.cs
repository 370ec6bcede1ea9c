using Assistant.Llama.TestModels;

namespace Assistant.Cli.Commands;

/// <summary>Writes small GGUF models with random weights, for tests and for trying the assistant without a real model.</summary>
public sealed class MakeTestModelCommand : ICliCommand
{
    public string Name => "make-test-model";

    public string Summary => "Write a small chat model (ChatML), a LoRA adapter for it and an embedding model, with random weights.";

    public string Usage => """
        [--out DIR] [--size small|bench] [--seed N]
          --out   folder to write chat.gguf, embed.gguf and adapters/ into (default: data/test-models, git-ignored)
          --size  small: 64 wide, 2 layers (~0.5 MB, for tests); bench: ~100M parameters, F16 (~200 MB)
          --seed  random seed of the weights (default 1)
        The text these models write is random; they exist to exercise the runtime end to end.
        """;

    public Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args);
        var output = Path.GetFullPath(line.Get("out") ?? Path.Combine(context.ContentRoot, "data", "test-models"));
        var shape = line.Get("size") switch
        {
            null or "small" => new TestModelShape(),
            "bench" => TestModelShape.Benchmark,
            var other => throw new UsageException($"--size takes small or bench, not '{other}'."),
        };
        var set = TestModelWriter.WriteSet(output, shape, line.GetInt("seed", 1));
        var parameters = shape.ParameterCount(TestModelWriter.Vocabulary().Count);
        context.Out.WriteLine($"chat model      {set.ChatModelPath} ({parameters:N0} parameters, {new FileInfo(set.ChatModelPath).Length:N0} bytes)");
        context.Out.WriteLine($"embedding model {set.EmbeddingModelPath}");
        context.Out.WriteLine($"LoRA adapter    {set.AdapterPath} (listed as '{set.AdapterName}' in {Path.Combine(set.AdaptersPath, "adapters.json")})");
        context.Out.WriteLine();
        context.Out.WriteLine("To try them, set in appsettings.json:");
        context.Out.WriteLine($"  \"Llama\": {{ \"ModelPath\": \"{Relative(context, set.ChatModelPath)}\", \"EmbeddingModelPath\": \"{Relative(context, set.EmbeddingModelPath)}\", \"AdaptersPath\": \"{Relative(context, set.AdaptersPath)}\" }}");
        return Task.FromResult(0);
    }

    private static string Relative(CliContext context, string path) =>
        Path.GetRelativePath(context.ContentRoot, path) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative.Replace('\\', '/') : path;
}
