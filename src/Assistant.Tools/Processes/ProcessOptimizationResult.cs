namespace Assistant.Tools.Processes;

/// <summary>
/// The optimizer's answer, shaped for a table of optimal against current setpoints: what to set, what it gains,
/// what limits it runs into and how much the model behind it can be trusted there.
/// </summary>
public sealed record ProcessOptimizationResult(
    string Process,
    string Title,
    ObjectiveOutcome Objective,
    IReadOnlyList<SetpointOutcome> Setpoints,
    IReadOnlyList<KpiOutcome> Kpis,
    IReadOnlyList<ConstraintOutcome> Constraints,
    DataSupport? DataSupport,
    IReadOnlyList<ResponseSurfaces.FitStatistics> Fits,
    SolverSummary Solver,
    IReadOnlyList<string> Notes);

/// <param name="Improvement">AtOptimum − AtCurrent, signed so that positive is better.</param>
public sealed record ObjectiveOutcome(
    string Name,
    string Description,
    ObjectiveSense Sense,
    string Unit,
    double AtCurrent,
    double AtOptimum,
    double Improvement);

/// <param name="Lower">Lower bound the solver used (safe limit or the request's tighter one).</param>
/// <param name="Status"><c>free</c>, <c>fixed</c>, <c>at lower bound</c> or <c>at upper bound</c>.</param>
/// <param name="Sensitivity">Change of the objective per unit of this variable at the optimum (objective unit / variable unit).</param>
public sealed record SetpointOutcome(
    string Variable,
    string Description,
    string Unit,
    double Current,
    double Optimal,
    double Lower,
    double Upper,
    double SafeMin,
    double SafeMax,
    string Status,
    double Sensitivity);

/// <param name="StandardError">Standard error of the prediction at the optimum, for data-driven models.</param>
public sealed record KpiOutcome(string Kpi, string Description, string Unit, double AtCurrent, double AtOptimum, double? StandardError);

/// <param name="Source"><c>model</c> (a limit from the model file) or <c>request</c>.</param>
/// <param name="Active">True when the optimum sits on this limit: relaxing it would improve the objective.</param>
/// <param name="ShadowPrice">For an active limit: objective gained per KPI unit the limit is relaxed (e.g. EUR/batch per % by-product).</param>
public sealed record ConstraintOutcome(
    string Kpi,
    string Description,
    string Source,
    double? Min,
    double? Max,
    string Unit,
    double AtCurrent,
    double AtOptimum,
    bool Active,
    bool MetAtCurrent,
    double? ShadowPrice);

/// <summary>How far a data-driven model's prediction is from the runs it was fitted on.</summary>
/// <param name="Extrapolated">True when the point is outside the runs' range or their cloud: treat the prediction as a guess and trial it.</param>
/// <param name="Reasons">Why it counts as extrapolation, one line per variable or for the combination.</param>
/// <param name="Leverage">f(x)ᵀ(XᵀX)⁻¹f(x) of the point.</param>
/// <param name="MaxRunLeverage">The largest leverage among the runs themselves.</param>
/// <param name="NearestRunDistance">Distance to the nearest run in coded units (each variable's data range spans 2).</param>
public sealed record DataSupport(
    int Runs,
    bool Extrapolated,
    IReadOnlyList<string> Reasons,
    double Leverage,
    double MaxRunLeverage,
    string NearestRun,
    double NearestRunDistance);

public sealed record SolverSummary(
    int Seed,
    int Starts,
    int Evaluations,
    double ElapsedMilliseconds,
    bool TimeLimitReached,
    double MaxConstraintViolation);
