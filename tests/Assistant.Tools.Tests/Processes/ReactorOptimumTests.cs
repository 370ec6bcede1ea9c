using Xunit;
using Assistant.Tools.Processes;
using Assistant.Tools.Processes.Kinetics;
using Xunit.Abstractions;

namespace Assistant.Tools.Tests.Processes;

/// <summary>
/// The optimizer against brute force on the real BR-1 model: a grid over temperature × feed ratio, each point one
/// integration reporting every batch time on the grid, then a finer grid around the best cell (0.1 °C × 0.002 mol/mol × 0.01 h). Tolerances:
/// the optimizer may not lose to the grid by more than 0.02 %-points of yield or 0.5 EUR of margin, and its
/// setpoints must lie within 1 °C, 0.15 h and 0.02 mol/mol of the grid's.
/// </summary>
public sealed class ReactorOptimumTests(ITestOutputHelper output)
{
    private const string Process = "batch-reactor-coupling-agent";

    [Theory]
    [InlineData("yield", 0.02)]
    [InlineData("margin", 0.5)]
    public void Optimum_agrees_with_a_fine_grid_search(string objective, double objectiveTolerance)
    {
        var model = (BatchReactorModel)ProcessTestData.Catalog.Get(Process);
        var d = model.Definition;
        var kpi = d.KpiIndex(objective);
        var byproduct = d.KpiIndex("byproduct_fraction");
        var maxByproduct = d.Constraints!.Single(c => c.Kpi == "byproduct_fraction").Max!.Value;

        // Coarse: 1 °C × 0.01 mol/mol × 0.05 h over the whole safe box.
        var coarse = GridSearch(model, kpi, byproduct, maxByproduct, (60, 110, 1.0), (0.9, 1.6, 0.01), (1, 8, 0.05));
        // Fine: 0.1 °C × 0.002 mol/mol × 0.01 h around the coarse best, wide enough to follow an active
        // constraint out of the coarse cell (the coarse grid's best feasible point can sit off the true ridge).
        var fine = GridSearch(model, kpi, byproduct, maxByproduct,
            (Math.Max(60, coarse.T - 2), Math.Min(110, coarse.T + 2), 0.1),
            (Math.Max(0.9, coarse.Ratio - 0.05), Math.Min(1.6, coarse.Ratio + 0.05), 0.002),
            (Math.Max(1, coarse.Hours - 0.5), Math.Min(8, coarse.Hours + 0.5), 0.01));

        var result = ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(Process, objective));
        var optimum = result.Setpoints.ToDictionary(s => s.Variable, s => s.Optimal);
        output.WriteLine($"grid: {fine.Value:F4} at T {fine.T:F2} °C, t {fine.Hours:F3} h, r {fine.Ratio:F3}; " +
            $"optimizer: {result.Objective.AtOptimum:F4} at T {optimum["temperature"]:F2}, t {optimum["batch_time"]:F3}, r {optimum["feed_ratio"]:F3}, " +
            $"{result.Solver.Evaluations} evaluations");

        Assert.True(result.Objective.AtOptimum >= fine.Value - objectiveTolerance,
            $"optimizer {result.Objective.AtOptimum} is worse than the grid's {fine.Value}");
        Assert.True(result.Objective.AtOptimum <= fine.Value + objectiveTolerance,
            $"optimizer {result.Objective.AtOptimum} beats the grid's {fine.Value} by more than the grid's resolution allows: is a constraint ignored?");
        Assert.InRange(optimum["temperature"], fine.T - 1, fine.T + 1);
        Assert.InRange(optimum["batch_time"], fine.Hours - 0.15, fine.Hours + 0.15);
        Assert.InRange(optimum["feed_ratio"], fine.Ratio - 0.02, fine.Ratio + 0.02);
        Assert.True(result.Kpis.Single(k => k.Kpi == "byproduct_fraction").AtOptimum <= maxByproduct + 1e-4);
    }

    [Fact]
    public void Same_seed_gives_the_same_answer_in_parallel_or_one_start_at_a_time()
    {
        var first = ProcessTestData.Optimizer(starts: 4).Optimize(new ProcessOptimizationRequest(Process, "margin", Seed: 7));
        var second = ProcessTestData.Optimizer(starts: 4, maxParallelism: 1).Optimize(new ProcessOptimizationRequest(Process, "margin", Seed: 7));

        Assert.Equal(first.Setpoints.Select(s => s.Optimal), second.Setpoints.Select(s => s.Optimal));
        Assert.Equal(first.Solver.Evaluations, second.Solver.Evaluations);
    }

    [Fact]
    public void Result_reports_active_constraint_and_bounds_against_current_setpoints()
    {
        var result = ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(Process, "yield"));

        // Yield wants every hour the safe limits allow and a silane excess, until the by-product spec bites.
        Assert.Equal("at upper safe limit", result.Setpoints.Single(s => s.Variable == "batch_time").Status);
        Assert.True(result.Constraints.Single(c => c.Kpi == "byproduct_fraction").Active);
        Assert.True(result.Objective.Improvement > 0);
        Assert.Equal(82, result.Setpoints.Single(s => s.Variable == "temperature").Current);
        Assert.True(result.Setpoints.Single(s => s.Variable == "batch_time").Sensitivity > 0, "more time would still add yield at the bound");
        Assert.Null(result.DataSupport);
    }

    [Fact]
    public void Shadow_price_of_the_byproduct_limit_predicts_the_gain_from_relaxing_it()
    {
        var optimizer = ProcessTestData.Optimizer();
        var tight = optimizer.Optimize(new ProcessOptimizationRequest(Process, "margin", Limits: [new KpiLimit("byproduct_fraction", Max: 4.0)]));
        var relaxed = optimizer.Optimize(new ProcessOptimizationRequest(Process, "margin", Limits: [new KpiLimit("byproduct_fraction", Max: 4.1)]));

        var limit = tight.Constraints.Single(c => c.Source == "request");
        Assert.True(limit.Active);
        var predicted = 0.1 * limit.ShadowPrice!.Value;
        var actual = relaxed.Objective.AtOptimum - tight.Objective.AtOptimum;
        output.WriteLine($"shadow price {limit.ShadowPrice:F3} EUR/batch per %: predicted gain {predicted:F3}, re-solved gain {actual:F3}");
        Assert.True(actual > 0);
        Assert.InRange(predicted, 0.85 * actual, 1.15 * actual);
    }

    private static (double Value, double T, double Ratio, double Hours) GridSearch(
        BatchReactorModel model, int kpi, int byproduct, double maxByproduct,
        (double From, double To, double Step) temperature, (double From, double To, double Step) ratio, (double From, double To, double Step) hours)
    {
        static double[] Steps((double From, double To, double Step) r) =>
            Enumerable.Range(0, (int)Math.Round((r.To - r.From) / r.Step) + 1).Select(i => r.From + i * r.Step).ToArray();

        var times = Steps(hours);
        var best = (Value: double.NegativeInfinity, T: 0.0, Ratio: 0.0, Hours: 0.0);
        foreach (var t in Steps(temperature))
        {
            foreach (var r in Steps(ratio))
            {
                model.SimulateTrajectory(t, r, times, (i, kpis) =>
                {
                    if (kpis[byproduct] <= maxByproduct && kpis[kpi] > best.Value)
                    {
                        best = (kpis[kpi], t, r, times[i]);
                    }
                });
            }
        }

        return best;
    }
}
