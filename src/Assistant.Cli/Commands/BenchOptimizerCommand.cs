using System.CommandLine;
using Assistant.Benchmarks.Processes;
using Assistant.Tools.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant bench-optimizer</c>: runs <see cref="OptimizerBenchmark"/>.</summary>
internal sealed class BenchOptimizerCommand : Command
{
    private readonly CliContext _cli;
    private readonly Option<int> _repeat = new Option<int>("--repeat")
    {
        Description = "solves per process and objective; the first is reported apart as the cold run",
        HelpName = "N",
        DefaultValueFactory = _ => 5,
        CustomParser = CliOptions.WholeNumber,
    }.Require(n => n >= 1, "at least 1");

    private readonly Option<int> _seed = new("--seed")
    {
        Description = "the solver's random seed",
        DefaultValueFactory = _ => 42,
        CustomParser = CliOptions.WholeNumber,
    };

    public BenchOptimizerCommand(CliContext cli)
        : base("bench-optimizer", "Benchmark the process optimizer: solve time and objective evaluations per process model.")
    {
        _cli = cli;
        Options.Add(_repeat);
        Options.Add(_seed);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var optimizer = _cli.Services.GetRequiredService<ProcessOptimizer>();
        await OptimizerBenchmark.RunAsync(optimizer, parse.GetValue(_repeat), parse.GetValue(_seed), _cli.Out, cancellationToken);
        return 0;
    }
}
