namespace Assistant.Tools.Processes;

/// <summary>Narrower limits for one variable in one request; either side may be left open (the safe limit then holds).</summary>
public sealed record VariableBounds(double? Min = null, double? Max = null);

/// <summary>What to optimise and how freely.</summary>
/// <param name="Process">Process model name, e.g. <c>batch-reactor-coupling-agent</c>.</param>
/// <param name="Objective">An objective the model file declares; null picks its first.</param>
/// <param name="Fixed">Variables held at a value (inside safe limits).</param>
/// <param name="Bounds">Tighter limits than the safe ones; looser ones are refused.</param>
/// <param name="Limits">Extra KPI limits for this request, on top of the model's own constraints.</param>
/// <param name="WithinData">For data-driven models: keep the optimum inside the runs' range and cloud, so nothing is extrapolated.</param>
/// <param name="Seed">Seed of the random starting points; null takes the configured one.</param>
/// <param name="TimeLimit">Wall-clock budget; null takes the configured one.</param>
public sealed record ProcessOptimizationRequest(
    string Process,
    string? Objective = null,
    IReadOnlyDictionary<string, double>? Fixed = null,
    IReadOnlyDictionary<string, VariableBounds>? Bounds = null,
    IReadOnlyList<KpiLimit>? Limits = null,
    bool WithinData = false,
    int? Seed = null,
    TimeSpan? TimeLimit = null);

public enum ProcessOptimizationError
{
    UnknownProcess,
    UnknownObjective,
    UnknownVariable,
    UnknownKpi,
    OutsideSafeLimits,
    InvalidRequest,
    Infeasible,
}

/// <summary>A request the optimizer refuses or cannot satisfy; the message says which part and why, in plant words.</summary>
public sealed class ProcessOptimizationException(ProcessOptimizationError error, string message) : Exception(message)
{
    public ProcessOptimizationError Error { get; } = error;
}
