using System.CommandLine;
using Assistant.Benchmarks.Classifiers;
using Assistant.Core.Plant;
using Assistant.Tools.Classifiers;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant bench-classifier</c>: runs <see cref="ClassifierLatencyBenchmark"/>.</summary>
internal sealed class BenchClassifierCommand : Command
{
    private readonly CliContext _cli;
    private readonly Option<int> _iterations = new Option<int>("--iterations")
    {
        Description = "timed calls per figure for one row; batches get a tenth of that",
        HelpName = "N",
        DefaultValueFactory = _ => 2000,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 1, "at least 1");

    private readonly Option<int> _batch = new Option<int>("--batch")
    {
        Description = "rows per batch call",
        HelpName = "N",
        DefaultValueFactory = _ => 1024,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 1, "at least 1");

    public BenchClassifierCommand(CliContext cli)
        : base("bench-classifier", "Measure classify_fault latency: one row through the AIFunction (JSON in, JSON out) and 1,024-row batches.")
    {
        _cli = cli;
        Options.Add(_iterations);
        Options.Add(_batch);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var services = _cli.Services;
        var options = new ClassifierLatencyOptions(
            services.GetRequiredService<ClassifyFaultFunction>(),
            services.GetRequiredService<FaultClassificationService>(),
            services.GetRequiredService<ReadingsSnapshot>(),
            services.GetRequiredService<PlantLayout>(),
            parse.GetValue(_iterations),
            parse.GetValue(_batch));
        await ClassifierLatencyBenchmark.RunAsync(options, _cli.Out, cancellationToken);
        return 0;
    }
}
