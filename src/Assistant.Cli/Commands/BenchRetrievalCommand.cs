using System.CommandLine;
using Assistant.Benchmarks.Retrieval;
using Assistant.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant bench-retrieval</c>: runs <see cref="RetrievalBenchmark"/>.</summary>
internal sealed class BenchRetrievalCommand : Command
{
    private readonly CliContext _cli;
    private readonly Option<int> _chunks = new Option<int>("--chunks")
    {
        Description = "passages in the synthetic index",
        HelpName = "N",
        DefaultValueFactory = _ => 100_000,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 100, "at least 100");

    private readonly Option<int> _queries = new Option<int>("--queries")
    {
        Description = "synthetic queries",
        HelpName = "Q",
        DefaultValueFactory = _ => 300,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 10, "at least 10");

    private readonly Option<int> _runs = new Option<int>("--runs")
    {
        Description = "ingestion runs over the LinuxCNC chapters, median reported",
        HelpName = "R",
        DefaultValueFactory = _ => 3,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 1, "at least 1");

    private readonly Option<string?> _work = new("--work") { Description = "folder for the benchmark's index files (default data/bench)", HelpName = "DIR" };

    private readonly Option<bool> _reuse = new("--reuse") { Description = "keep a synthetic index of the same size from an earlier run instead of building it again" };

    public BenchRetrievalCommand(CliContext cli)
        : base("bench-retrieval", """
            Benchmark ingestion throughput and search latency (p50/p99).
            Ingestion runs over the LinuxCNC chapters in shared/data; latency over the sample plant's eval questions
            and a synthetic index generated from a made-up vocabulary.
            """)
    {
        _cli = cli;
        Options.Add(_chunks);
        Options.Add(_queries);
        Options.Add(_runs);
        Options.Add(_work);
        Options.Add(_reuse);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var options = new RetrievalBenchmarkOptions(
            _cli.Services.GetRequiredService<KnowledgeSettings>(),
            _cli.ContentRoot,
            Path.GetFullPath(parse.GetValue(_work) ?? Path.Combine(_cli.ContentRoot, "data", "bench")),
            parse.GetValue(_chunks),
            parse.GetValue(_queries),
            parse.GetValue(_runs),
            parse.GetValue(_reuse));
        await RetrievalBenchmark.RunAsync(options, _cli.Out, cancellationToken);
        return 0;
    }
}
