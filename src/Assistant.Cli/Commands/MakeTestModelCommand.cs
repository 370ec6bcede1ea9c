using System.CommandLine;
using Assistant.Llama.TestModels;

namespace Assistant.Cli.Commands;

/// <summary>Writes small GGUF models with random weights, for tests and for trying the assistant without a real model.</summary>
internal sealed class MakeTestModelCommand : Command
{
    private readonly CliContext _cli;
    private readonly Option<string?> _out = new("--out")
    {
        Description = "folder to write chat.gguf, embed.gguf and adapters/ into (default: data/test-models, git-ignored)",
        HelpName = "DIR",
    };

    private readonly Option<string> _size = new Option<string>("--size")
    {
        Description = "small: 64 wide, 2 layers (~0.5 MB, for tests); bench: ~100M parameters, F16 (~200 MB)",
        DefaultValueFactory = _ => "small",
    }.AcceptOnlyFromAmong("small", "bench");

    private readonly Option<int> _seed = new("--seed")
    {
        Description = "random seed of the weights",
        DefaultValueFactory = _ => 1,
        CustomParser = CliOptions.WholeNumber,
    };

    public MakeTestModelCommand(CliContext cli)
        : base("make-test-model", """
            Write a small chat model (ChatML), a LoRA adapter for it and an embedding model, with random weights.
            The text these models write is random; they exist to exercise the runtime end to end.
            """)
    {
        _cli = cli;
        Options.Add(_out);
        Options.Add(_size);
        Options.Add(_seed);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var output = Path.GetFullPath(parse.GetValue(_out) ?? Path.Combine(_cli.ContentRoot, "data", "test-models"));
        var shape = parse.GetValue(_size) == "bench" ? TestModelShape.Benchmark : new TestModelShape();
        var set = TestModelWriter.WriteSet(output, shape, parse.GetValue(_seed));
        var parameters = shape.ParameterCount(TestModelWriter.Vocabulary().Count);
        var o = _cli.Out;
        o.WriteLine($"chat model      {set.ChatModelPath} ({parameters:N0} parameters, {new FileInfo(set.ChatModelPath).Length:N0} bytes)");
        o.WriteLine($"embedding model {set.EmbeddingModelPath}");
        o.WriteLine($"LoRA adapter    {set.AdapterPath} (listed as '{set.AdapterName}' in {Path.Combine(set.AdaptersPath, "adapters.json")})");
        o.WriteLine();
        o.WriteLine("To try them, set in appsettings.json:");
        o.WriteLine($"  \"Llama\": {{ \"ModelPath\": \"{Relative(set.ChatModelPath)}\", \"EmbeddingModelPath\": \"{Relative(set.EmbeddingModelPath)}\", \"AdaptersPath\": \"{Relative(set.AdaptersPath)}\" }}");
        return 0;
    }

    private string Relative(string path) =>
        Path.GetRelativePath(_cli.ContentRoot, path) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative.Replace('\\', '/') : path;
}
