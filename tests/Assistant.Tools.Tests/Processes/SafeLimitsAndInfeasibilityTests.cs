using Assistant.Tools.Processes;
using Xunit;

namespace Assistant.Tools.Tests.Processes;

public sealed class SafeLimitsAndInfeasibilityTests
{
    private const string Reactor = "batch-reactor-coupling-agent";
    private const string Moulding = "injection-moulding-cover";

    [Fact]
    public void Bounds_looser_than_the_safe_limits_are_refused_naming_the_variable_and_limit()
    {
        var error = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Reactor, Bounds: new Dictionary<string, VariableBounds> { ["temperature"] = new(Min: 70, Max: 130) })));

        Assert.Equal(ProcessOptimizationError.OutsideSafeLimits, error.Error);
        Assert.Contains("temperature upper bound 130 °C is above its safe maximum 110 °C", error.Message);
    }

    [Fact]
    public void A_lower_bound_above_the_safe_maximum_is_refused_not_clamped()
    {
        var error = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Moulding, Bounds: new Dictionary<string, VariableBounds> { ["cooling_time"] = new(Min: 40) })));

        Assert.Equal(ProcessOptimizationError.OutsideSafeLimits, error.Error);
        Assert.Contains("cooling_time lower bound 40 s is above its safe maximum 25 s", error.Message);
    }

    [Fact]
    public void A_fixed_value_outside_the_safe_limits_is_refused()
    {
        var error = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Moulding, Fixed: new Dictionary<string, double> { ["injection_pressure"] = 1800 })));

        Assert.Equal(ProcessOptimizationError.OutsideSafeLimits, error.Error);
        Assert.Contains("injection_pressure fixed at 1800 bar", error.Message);
    }

    [Fact]
    public void Tighter_bounds_and_fixed_values_are_honoured_and_the_optimum_stays_inside_them()
    {
        var result = ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Reactor, "margin",
            Fixed: new Dictionary<string, double> { ["feed_ratio"] = 1.1 },
            Bounds: new Dictionary<string, VariableBounds> { ["temperature"] = new(Max: 80), ["batch_time"] = new(Min: 2, Max: 5) }));

        var s = result.Setpoints.ToDictionary(x => x.Variable);
        Assert.Equal(1.1, s["feed_ratio"].Optimal);
        Assert.Equal("fixed", s["feed_ratio"].Status);
        Assert.InRange(s["temperature"].Optimal, 60, 80);
        Assert.InRange(s["batch_time"].Optimal, 2, 5);
        // Margin wants a hotter batch than 80 °C here, so the requested bound is what stops it.
        Assert.Equal("at requested upper bound", s["temperature"].Status);
    }

    [Fact]
    public void Every_answer_stays_inside_the_safe_limits()
    {
        var optimizer = ProcessTestData.Optimizer(starts: 3);
        foreach (var model in ProcessTestData.Catalog.Models)
        {
            foreach (var objective in model.Definition.Objectives)
            {
                var result = optimizer.Optimize(new ProcessOptimizationRequest(model.Name, objective.Name));
                Assert.All(result.Setpoints, s => Assert.InRange(s.Optimal, s.SafeMin, s.SafeMax));
            }
        }
    }

    [Fact]
    public void Unknown_process_says_which_processes_exist()
    {
        var error = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest("paint-line")));

        Assert.Equal(ProcessOptimizationError.UnknownProcess, error.Error);
        Assert.Contains("Unknown process 'paint-line'", error.Message);
        Assert.Contains(Reactor, error.Message);
        Assert.Contains(Moulding, error.Message);
    }

    [Fact]
    public void A_machine_id_from_the_plant_layout_finds_its_process()
    {
        var result = ProcessTestData.Optimizer(starts: 2).Optimize(new ProcessOptimizationRequest("IM-2", "cycle_time"));

        Assert.Equal(Moulding, result.Process);
    }

    [Fact]
    public void A_spent_time_budget_returns_todays_setpoints_marked_as_stopped()
    {
        var result = ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(Reactor, "margin", TimeLimit: TimeSpan.Zero));

        Assert.True(result.Solver.TimeLimitReached);
        Assert.Contains(result.Notes, n => n.Contains("time limit", StringComparison.Ordinal));
        Assert.All(result.Setpoints, s => Assert.Equal(s.Current, s.Optimal, 9));
    }

    [Fact]
    public async Task A_cancelled_request_stops()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ProcessTestData.Optimizer().OptimizeAsync(new ProcessOptimizationRequest(Reactor), cancelled.Token));
    }

    [Fact]
    public void Unknown_variable_and_objective_are_named_with_the_valid_ones()
    {
        var variable = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Reactor, Fixed: new Dictionary<string, double> { ["pressure"] = 2 })));
        Assert.Equal(ProcessOptimizationError.UnknownVariable, variable.Error);
        Assert.Contains("temperature (°C)", variable.Message);

        var objective = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(Reactor, "throughput")));
        Assert.Equal(ProcessOptimizationError.UnknownObjective, objective.Error);
        Assert.Contains("margin", objective.Message);
    }

    [Fact]
    public void An_unreachable_KPI_limit_is_reported_as_infeasible_with_the_closest_setpoints()
    {
        var error = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Reactor, "margin", Limits: [new KpiLimit("yield", Min: 99)])));

        Assert.Equal(ProcessOptimizationError.Infeasible, error.Error);
        Assert.Contains("yield ≥ 99 % (request limit)", error.Message);
        Assert.Contains("and yield is 9", error.Message); // about 90 %: the most any safe batch makes
    }

    [Fact]
    public void Fixed_setpoints_that_break_the_model_spec_are_reported_as_infeasible()
    {
        // A hot, long batch with a large silane excess over-silylates whatever the optimizer does with the rest.
        var error = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Reactor, "yield",
            Fixed: new Dictionary<string, double> { ["temperature"] = 110, ["batch_time"] = 8 },
            Bounds: new Dictionary<string, VariableBounds> { ["feed_ratio"] = new(Min: 1.4) })));

        Assert.Equal(ProcessOptimizationError.Infeasible, error.Error);
        Assert.Contains("byproduct_fraction ≤ 5 % (model limit)", error.Message);
        Assert.Contains("temperature 110 °C, batch_time 8 h", error.Message);
    }

    [Fact]
    public void Contradictory_limits_are_infeasible_before_any_solving()
    {
        var error = Assert.Throws<ProcessOptimizationException>(() => ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest(
            Moulding, Limits: [new KpiLimit("cycle_time", Min: 30, Max: 25)])));

        Assert.Equal(ProcessOptimizationError.Infeasible, error.Error);
    }

    [Fact]
    public void A_request_limit_becomes_an_active_constraint()
    {
        var optimizer = ProcessTestData.Optimizer();
        var unlimited = optimizer.Optimize(new ProcessOptimizationRequest(Moulding, "scrap_rate"));
        var today = unlimited.Kpis.Single(k => k.Kpi == "cycle_time").AtCurrent;
        var max = Math.Floor(today) - 1;

        var result = optimizer.Optimize(new ProcessOptimizationRequest(
            Moulding, "scrap_rate", Limits: [new KpiLimit("cycle_time", Max: max)]));

        var limit = result.Constraints.Single(c => c.Source == "request");
        Assert.True(limit.Active);
        Assert.InRange(result.Kpis.Single(k => k.Kpi == "cycle_time").AtOptimum, max - 0.01, max + 0.0001);
        Assert.False(limit.MetAtCurrent);
    }
}
