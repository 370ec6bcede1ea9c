using System.CommandLine;
using Assistant.Benchmarks.Llm;
using Assistant.Llama;
using Assistant.Llama.Native;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant bench-llm</c>: runs <see cref="DecodeBenchmark"/>.</summary>
internal sealed class BenchLlmCommand : Command
{
    private readonly CliContext _cli;
    private readonly Option<FileInfo> _model = new Option<FileInfo>("--model")
    {
        Description = "GGUF to run (default: a generated ~100M-parameter F16 model, written once to the temp folder)",
        HelpName = "PATH",
    }.AcceptExistingOnly();

    private readonly Option<int> _tokens = new Option<int>("--tokens")
    {
        Description = "tokens per stream",
        HelpName = "N",
        DefaultValueFactory = _ => 128,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n is >= 2 and <= DecodeBenchmark.MaxTokens, $"2 to {DecodeBenchmark.MaxTokens} (the benchmark context holds 512 tokens)");

    private readonly Option<int> _threads = new Option<int>("--threads")
    {
        Description = "CPU threads for both loops (default: one per core)",
        HelpName = "N",
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 1, "1 or more");

    private readonly Option<string> _gpu = new Option<string>("--gpu")
    {
        Description = "backend, as Llama:Gpu; the C loop uses the same library folder",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong("auto", "cuda", "cpu");

    private readonly Option<int> _gpuLayers = new Option<int>("--gpu-layers")
    {
        Description = "layers to offload on a GPU (-1: all)",
        HelpName = "N",
        DefaultValueFactory = _ => -1,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= -1, "-1 (all) or a number of layers");

    private readonly Option<int> _rounds = new Option<int>("--rounds")
    {
        Description = "rounds per figure, best kept; a single-stream round is three runs of each loop",
        HelpName = "N",
        DefaultValueFactory = _ => 3,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 1, "1 or more");

    private readonly Option<int[]> _streams = new Option<int[]>("--streams")
    {
        Description = "concurrent stream counts to measure, comma-separated",
        HelpName = "1,4,8",
        DefaultValueFactory = _ => [1, 4, 8],
        CustomParser = result => CliOptions.WholeNumbers(result),
    }.Require(counts => counts.Length > 0 && counts.All(n => n is >= 1 and <= DecodeBenchmark.MaxStreams), $"stream counts from 1 to {DecodeBenchmark.MaxStreams}");

    private readonly Option<string> _kv = new Option<string>("--kv")
    {
        Description = "one KV cache buffer for all streams (unified) or a slice each (split)",
        DefaultValueFactory = _ => "unified",
    }.AcceptOnlyFromAmong("unified", "split");

    public BenchLlmCommand(CliContext cli)
        : base("bench-llm", """
            Benchmark local model decoding: our loop vs a plain C loop (gcc), and 1/4/8 concurrent streams.
            Needs gcc on the PATH for the C loop.
            """)
    {
        _cli = cli;
        Options.Add(_model);
        Options.Add(_tokens);
        Options.Add(_threads);
        Options.Add(_gpu);
        Options.Add(_gpuLayers);
        Options.Add(_rounds);
        Options.Add(_streams);
        Options.Add(_kv);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var options = new DecodeBenchmarkOptions(
            parse.GetValue(_model)?.FullName,
            parse.GetValue(_tokens),
            parse.GetValue(_rounds),
            parse.GetRequiredValue(_streams),
            Enum.Parse<LlamaGpuMode>(parse.GetRequiredValue(_gpu), ignoreCase: true),
            parse.GetValue(_gpuLayers),
            parse.GetValue(_threads),
            UnifiedKvCache: parse.GetValue(_kv) == "unified");
        try
        {
            await DecodeBenchmark.RunAsync(options, _cli.Out, cancellationToken);
            return 0;
        }
        catch (Exception ex) when (ex is LlamaRuntimeException or LlamaModelLoadException)
        {
            // The runtime's messages say which library or file failed and why.
            _cli.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
