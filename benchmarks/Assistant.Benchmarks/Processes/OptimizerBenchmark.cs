using System.Diagnostics;
using System.Globalization;
using Assistant.Tools.Processes;

namespace Assistant.Benchmarks.Processes;

/// <summary>
/// Solve time and model evaluations of the process optimizer for every process model and objective
/// (<c>assistant bench-optimizer</c>).
/// </summary>
public static class OptimizerBenchmark
{
    /// <param name="repeat">solves per process and objective; the first is reported apart as the cold run</param>
    /// <param name="seed">the solver's random seed</param>
    public static async Task RunAsync(ProcessOptimizer optimizer, int repeat, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        var o = output;
        var inv = CultureInfo.InvariantCulture;

        o.WriteLine($"{"process",-30} {"objective",-12} {"eval µs",8} {"evals",7} {"starts",6} {"cold ms",8} {"median ms",9} {"min ms",7} {"objective at optimum",22}");
        foreach (var model in optimizer.Catalog.Models)
        {
            var evalMicroseconds = TimeOneEvaluation(model);
            foreach (var objective in model.Definition.Objectives)
            {
                var times = new List<double>();
                ProcessOptimizationResult? result = null;
                for (var i = 0; i < repeat; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var clock = Stopwatch.StartNew();
                    result = await optimizer.OptimizeAsync(new ProcessOptimizationRequest(model.Name, objective.Name, Seed: seed), cancellationToken);
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }

                var warm = times.Count > 1 ? times.Skip(1).Order().ToList() : times;
                o.WriteLine(string.Create(inv,
                    $"{model.Name,-30} {objective.Name,-12} {evalMicroseconds,8:0.0} {result!.Solver.Evaluations,7} {result.Solver.Starts,6} {times[0],8:0.0} {warm[warm.Count / 2],9:0.0} {warm[0],7:0.0} {$"{result.Objective.AtOptimum:0.###} {result.Objective.Unit}",22}"));
            }
        }

        o.WriteLine(string.Create(inv, $"{repeat} solves each, seed {seed}, {Environment.ProcessorCount} logical CPUs; eval µs = one model evaluation at today's setpoints."));
    }

    private static double TimeOneEvaluation(ProcessModel model)
    {
        var setpoints = model.Definition.Variables.Select(v => v.Current).ToArray();
        var kpis = new double[model.Definition.Kpis.Count];
        for (var i = 0; i < 50; i++)
        {
            model.Evaluate(setpoints, kpis);
        }

        const int count = 2000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            model.Evaluate(setpoints, kpis);
        }

        return clock.Elapsed.TotalMicroseconds / count;
    }
}
