using System.Globalization;
using Assistant.Tools.Processes.Solver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Assistant.Tools.Processes;

/// <summary>
/// Finds the setpoints that best serve an objective inside the safe limits, and explains the answer: gains over
/// today's setpoints, the limits it runs into, sensitivities and, for data-driven models, how far from the data it is.
/// The UI, the REST API and the <c>optimize_process</c> tool all come through here.
/// </summary>
public sealed class ProcessOptimizer(
    ProcessModelCatalog catalog,
    IOptions<ProcessOptimizerOptions> options,
    ILogger<ProcessOptimizer>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly AugmentedLagrangianSolver _solver = new();

    public ProcessModelCatalog Catalog => catalog;

    public Task<ProcessOptimizationResult> OptimizeAsync(ProcessOptimizationRequest request, CancellationToken cancellationToken = default) =>
        // CPU-bound: keep it off the caller's thread (a Blazor circuit, a request thread).
        Task.Run(() => Optimize(request, cancellationToken), cancellationToken);

    public ProcessOptimizationResult Optimize(ProcessOptimizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = catalog.Get(request.Process);
        var d = model.Definition;
        var objective = ResolveObjective(d, request.Objective);
        var (lower, upper, fixedMask, requestedLower, requestedUpper) = ResolveBounds(d, request);
        var limits = ResolveLimits(d, request.Limits);
        var notes = new List<string>();
        var withinData = request.WithinData && model.DataRange is not null;
        if (withinData)
        {
            ConfineToData(model, lower, upper, fixedMask);
            notes.Add("Kept inside the logged runs (within_data): every setpoint within the runs' range and the combination within their cloud.");
        }
        else if (request.WithinData)
        {
            notes.Add("within_data has no effect on a first-principles model: it has no runs to stay near.");
        }

        var variables = d.Variables;
        var free = Enumerable.Range(0, variables.Count).Where(i => !fixedMask[i]).ToArray();
        var sign = objective.Sense == ObjectiveSense.Maximize ? -1.0 : 1.0;
        var objectiveTerms = ObjectiveTerms(d, objective);
        var limitCount = limits.Sum(l => (l.Limit.Min is null ? 0 : 1) + (l.Limit.Max is null ? 0 : 1));
        var constraintCount = limitCount + (withinData ? 1 : 0);

        // Every model call fills a full setpoint vector: fixed values stay, free ones come from the solver.
        var problem = new BoundedProblem(
            free.Select(i => lower[i]).ToArray(),
            free.Select(i => upper[i]).ToArray(),
            constraintCount,
            (x, g) =>
            {
                Span<double> setpoints = stackalloc double[variables.Count];
                Span<double> kpis = stackalloc double[d.Kpis.Count];
                for (var i = 0; i < variables.Count; i++)
                {
                    setpoints[i] = lower[i];
                }

                for (var j = 0; j < free.Length; j++)
                {
                    setpoints[free[j]] = x[j];
                }

                model.Evaluate(setpoints, kpis);
                WriteConstraints(limits, kpis, g);
                if (withinData)
                {
                    g[limitCount] = model.RelativeLeverage(setpoints)!.Value - 1;
                }

                return sign * ObjectiveValue(objectiveTerms, objective.Offset, kpis);
            });

        var current = variables.Select(v => v.Current).ToArray();
        var start = free.Select(i => Math.Clamp(current[i], lower[i], upper[i])).ToArray();
        var seed = request.Seed ?? options.Value.Seed;
        var timeLimit = request.TimeLimit ?? TimeSpan.FromSeconds(options.Value.TimeLimitSeconds);
        var solution = _solver.Solve(problem, start, new SolverSettings(seed, Math.Max(1, options.Value.Starts), timeLimit, MaxParallelism: options.Value.MaxParallelism), cancellationToken);

        var optimum = (double[])lower.Clone();
        for (var j = 0; j < free.Length; j++)
        {
            optimum[free[j]] = solution.X[j];
        }

        var kpiAtOptimum = model.Evaluate(optimum);
        if (!solution.Feasible)
        {
            throw Infeasible(d, limits, optimum, kpiAtOptimum, solution.TimeLimitReached, timeLimit);
        }

        var kpiAtCurrent = model.Evaluate(current);
        var objectiveAtCurrent = ObjectiveValue(objectiveTerms, objective.Offset, kpiAtCurrent);
        var objectiveAtOptimum = ObjectiveValue(objectiveTerms, objective.Offset, kpiAtOptimum);

        var jacobian = KpiJacobian(model, optimum);
        var setpoints = new List<SetpointOutcome>();
        for (var i = 0; i < variables.Count; i++)
        {
            var v = variables[i];
            setpoints.Add(new SetpointOutcome(
                v.Name, v.Description, v.Unit, v.Current, optimum[i], lower[i], upper[i], v.SafeMin, v.SafeMax,
                Status(i, optimum[i], lower, upper, fixedMask, requestedLower, requestedUpper, v),
                objectiveTerms.Sum(t => t.Weight * jacobian[t.Kpi][i])));
        }

        var kpis = d.Kpis.Select((k, i) => new KpiOutcome(
            k.Name, k.Description, k.Unit, kpiAtCurrent[i], kpiAtOptimum[i], model.PredictionStandardError(i, optimum))).ToList();

        var constraints = new List<ConstraintOutcome>();
        foreach (var (limit, kpi, source) in limits)
        {
            var atOptimum = kpiAtOptimum[kpi];
            var atCurrent = kpiAtCurrent[kpi];
            var scale = Scale(limit);
            var active = (limit.Max is { } max && Math.Abs(atOptimum - max) <= 1e-3 * scale)
                || (limit.Min is { } min && Math.Abs(atOptimum - min) <= 1e-3 * scale);
            var met = (limit.Max is null || atCurrent <= limit.Max) && (limit.Min is null || atCurrent >= limit.Min);
            var k = d.Kpis[kpi];
            constraints.Add(new ConstraintOutcome(k.Name, limit.Description ?? k.Description, source, limit.Min, limit.Max, k.Unit, atCurrent, atOptimum, active, met, null));
            if (!met)
            {
                notes.Add($"Today's setpoints break the limit {Describe(limit, k)}: the model predicts {Format(atCurrent)} {k.Unit}.");
            }
        }

        constraints = WithShadowPrices(constraints, limits, setpoints, jacobian, variables, sign);

        var support = model.DescribeDataSupport(optimum);
        if (support is { Extrapolated: true })
        {
            notes.Add($"Extrapolation: {string.Join("; ", support.Reasons)}. The model has not seen such runs; trial these setpoints on a short run before adopting them.");
        }

        if (solution.TimeLimitReached)
        {
            notes.Add($"The solver stopped at its {timeLimit.TotalSeconds:0.#} s time limit after {solution.StartsCompleted} of {options.Value.Starts} starts; this is the best point found so far.");
        }

        var unit = ObjectiveUnit(d, objective);
        var result = new ProcessOptimizationResult(
            d.Name,
            d.Title,
            new ObjectiveOutcome(objective.Name, objective.Description, objective.Sense, unit, objectiveAtCurrent, objectiveAtOptimum,
                sign < 0 ? objectiveAtOptimum - objectiveAtCurrent : objectiveAtCurrent - objectiveAtOptimum),
            setpoints,
            kpis,
            constraints,
            support,
            model.Fits,
            new SolverSummary(seed, solution.StartsCompleted, solution.Evaluations, solution.Elapsed.TotalMilliseconds, solution.TimeLimitReached, Math.Max(0, solution.MaxViolation)),
            notes);
        _logger.LogDebug(
            "Optimised {Process} for {Objective}: {AtCurrent} -> {AtOptimum} {Unit} in {Evaluations} evaluations, {Elapsed} ms",
            d.Name, objective.Name, objectiveAtCurrent, objectiveAtOptimum, unit, solution.Evaluations, solution.Elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>The objective's value from a KPI vector (not sign-adjusted).</summary>
    public static double ObjectiveValue(ProcessDefinition definition, ProcessObjective objective, ReadOnlySpan<double> kpis) =>
        ObjectiveValue(ObjectiveTerms(definition, objective), objective.Offset, kpis);

    private static ProcessObjective ResolveObjective(ProcessDefinition d, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return d.Objectives[0];
        }

        return d.FindObjective(name) ?? throw new ProcessOptimizationException(
            ProcessOptimizationError.UnknownObjective,
            $"Process '{d.Name}' has no objective '{name}'. Its objectives: {string.Join("; ", d.Objectives.Select(o => $"{o.Name} ({o.Sense.ToString().ToLowerInvariant()} {o.Description})"))}.");
    }

    private static (double[] Lower, double[] Upper, bool[] Fixed, bool[] RequestedLower, bool[] RequestedUpper) ResolveBounds(
        ProcessDefinition d, ProcessOptimizationRequest request)
    {
        var n = d.Variables.Count;
        var lower = d.Variables.Select(v => v.SafeMin).ToArray();
        var upper = d.Variables.Select(v => v.SafeMax).ToArray();
        var isFixed = new bool[n];
        var requestedLower = new bool[n];
        var requestedUpper = new bool[n];
        var unsafeParts = new List<string>();

        foreach (var (name, bounds) in request.Bounds ?? new Dictionary<string, VariableBounds>())
        {
            var i = RequireVariable(d, name, "bounds");
            var v = d.Variables[i];
            RequireFinite(bounds.Min, $"the lower bound of {v.Name}");
            RequireFinite(bounds.Max, $"the upper bound of {v.Name}");
            if (bounds.Min is { } min && min < v.SafeMin - Tolerance(v))
            {
                unsafeParts.Add($"{v.Name} lower bound {Format(min)} {v.Unit} is below its safe minimum {Format(v.SafeMin)} {v.Unit}");
            }

            if (bounds.Max is { } max && max > v.SafeMax + Tolerance(v))
            {
                unsafeParts.Add($"{v.Name} upper bound {Format(max)} {v.Unit} is above its safe maximum {Format(v.SafeMax)} {v.Unit}");
            }

            if (bounds.Min is { } highMin && highMin > v.SafeMax + Tolerance(v))
            {
                unsafeParts.Add($"{v.Name} lower bound {Format(highMin)} {v.Unit} is above its safe maximum {Format(v.SafeMax)} {v.Unit}");
            }

            if (bounds.Max is { } lowMax && lowMax < v.SafeMin - Tolerance(v))
            {
                unsafeParts.Add($"{v.Name} upper bound {Format(lowMax)} {v.Unit} is below its safe minimum {Format(v.SafeMin)} {v.Unit}");
            }

            if (bounds is { Min: { } lo, Max: { } hi } && lo > hi)
            {
                throw new ProcessOptimizationException(ProcessOptimizationError.InvalidRequest,
                    $"The bounds for {v.Name} are reversed: minimum {Format(lo)} {v.Unit} is above maximum {Format(hi)} {v.Unit}.");
            }

            if (bounds.Min is { } newLower && newLower > lower[i])
            {
                lower[i] = Math.Min(newLower, v.SafeMax);
                requestedLower[i] = true;
            }

            if (bounds.Max is { } newUpper && newUpper < upper[i])
            {
                upper[i] = Math.Max(newUpper, v.SafeMin);
                requestedUpper[i] = true;
            }
        }

        foreach (var (name, value) in request.Fixed ?? new Dictionary<string, double>())
        {
            var i = RequireVariable(d, name, "fixed");
            var v = d.Variables[i];
            RequireFinite(value, $"the fixed value of {v.Name}");
            if (value < v.SafeMin - Tolerance(v) || value > v.SafeMax + Tolerance(v))
            {
                unsafeParts.Add($"{v.Name} fixed at {Format(value)} {v.Unit} is outside its safe limits {Format(v.SafeMin)}–{Format(v.SafeMax)} {v.Unit}");
                continue;
            }

            if (value < lower[i] - Tolerance(v) || value > upper[i] + Tolerance(v))
            {
                throw new ProcessOptimizationException(ProcessOptimizationError.InvalidRequest,
                    $"{v.Name} is fixed at {Format(value)} {v.Unit} but its requested bounds are {Format(lower[i])}–{Format(upper[i])} {v.Unit}; drop one of the two.");
            }

            lower[i] = upper[i] = Math.Clamp(value, v.SafeMin, v.SafeMax);
            isFixed[i] = true;
        }

        if (unsafeParts.Count > 0)
        {
            throw new ProcessOptimizationException(ProcessOptimizationError.OutsideSafeLimits,
                $"Refused: {string.Join("; ", unsafeParts)}. The optimizer never goes outside the safe limits of process '{d.Name}'; ask within them.");
        }

        return (lower, upper, isFixed, requestedLower, requestedUpper);
    }

    private static void ConfineToData(ProcessModel model, double[] lower, double[] upper, bool[] fixedMask)
    {
        var range = model.DataRange!;
        for (var i = 0; i < lower.Length; i++)
        {
            var v = model.Definition.Variables[i];
            var (min, max) = range[i];
            if (fixedMask[i])
            {
                if (lower[i] < min || lower[i] > max)
                {
                    throw new ProcessOptimizationException(ProcessOptimizationError.InvalidRequest,
                        $"{v.Name} is fixed at {Format(lower[i])} {v.Unit}, outside the runs' {Format(min)}–{Format(max)} {v.Unit}, yet within_data asks to stay inside them; drop one of the two.");
                }

                continue;
            }

            var newLower = Math.Max(lower[i], min);
            var newUpper = Math.Min(upper[i], max);
            if (newLower > newUpper)
            {
                throw new ProcessOptimizationException(ProcessOptimizationError.Infeasible,
                    $"The requested bounds for {v.Name} ({Format(lower[i])}–{Format(upper[i])} {v.Unit}) do not overlap the runs' {Format(min)}–{Format(max)} {v.Unit}, yet within_data asks to stay inside them.");
            }

            lower[i] = newLower;
            upper[i] = newUpper;
        }
    }

    private static List<(KpiLimit Limit, int Kpi, string Source)> ResolveLimits(ProcessDefinition d, IReadOnlyList<KpiLimit>? requested)
    {
        var limits = new List<(KpiLimit, int, string)>();
        foreach (var c in d.Constraints ?? [])
        {
            limits.Add((c, d.KpiIndex(c.Kpi), "model"));
        }

        foreach (var c in requested ?? [])
        {
            var k = d.KpiIndex(c.Kpi ?? "");
            if (k < 0)
            {
                throw new ProcessOptimizationException(ProcessOptimizationError.UnknownKpi,
                    $"Process '{d.Name}' has no KPI '{c.Kpi}' to limit. Its KPIs: {string.Join(", ", d.Kpis.Select(x => $"{x.Name} ({x.Unit})"))}.");
            }

            RequireFinite(c.Min, $"the minimum of {c.Kpi}");
            RequireFinite(c.Max, $"the maximum of {c.Kpi}");
            if (c.Min is null && c.Max is null)
            {
                throw new ProcessOptimizationException(ProcessOptimizationError.InvalidRequest, $"The limit on {c.Kpi} needs a min or a max.");
            }

            if (c is { Min: { } lo, Max: { } hi } && lo > hi)
            {
                throw new ProcessOptimizationException(ProcessOptimizationError.Infeasible,
                    $"The limits on {c.Kpi} contradict each other: minimum {Format(lo)} is above maximum {Format(hi)} {d.Kpis[k].Unit}.");
            }

            limits.Add((c with { Kpi = d.Kpis[k].Name }, k, "request"));
        }

        return limits;
    }

    private static void WriteConstraints(List<(KpiLimit Limit, int Kpi, string Source)> limits, ReadOnlySpan<double> kpis, Span<double> g)
    {
        var j = 0;
        foreach (var (limit, kpi, _) in limits)
        {
            var scale = Scale(limit);
            if (limit.Max is { } max)
            {
                g[j++] = (kpis[kpi] - max) / scale;
            }

            if (limit.Min is { } min)
            {
                g[j++] = (min - kpis[kpi]) / scale;
            }
        }
    }

    // A limit of 5 % is "off by the whole limit" at 10 %; a limit at zero is measured in the KPI's own units.
    private static double Scale(KpiLimit limit)
    {
        var size = Math.Max(Math.Abs(limit.Max ?? 0), Math.Abs(limit.Min ?? 0));
        return size > 0 ? size : 1;
    }

    private static (int Kpi, double Weight)[] ObjectiveTerms(ProcessDefinition d, ProcessObjective o) =>
        o.Kpi is not null
            ? [(d.KpiIndex(o.Kpi), 1.0)]
            : o.Terms!.Select(t => (d.KpiIndex(t.Key), t.Value)).ToArray();

    private static double ObjectiveValue((int Kpi, double Weight)[] terms, double offset, ReadOnlySpan<double> kpis)
    {
        var value = offset;
        foreach (var (kpi, weight) in terms)
        {
            value += weight * kpis[kpi];
        }

        return value;
    }

    private static string ObjectiveUnit(ProcessDefinition d, ProcessObjective o) =>
        o.Unit ?? (o.Kpi is not null ? d.Kpis[d.KpiIndex(o.Kpi)].Unit : "");

    /// <summary>∂KPI_k/∂x_i at the optimum, per variable unit: [k][i].</summary>
    private static double[][] KpiJacobian(ProcessModel model, double[] optimum)
    {
        // Central difference over 0.1 % of the safe range, one-sided at a safe limit: the model is never asked
        // about setpoints the plant forbids.
        var d = model.Definition;
        var jacobian = d.Kpis.Select(_ => new double[d.Variables.Count]).ToArray();
        var probe = (double[])optimum.Clone();
        for (var i = 0; i < d.Variables.Count; i++)
        {
            var v = d.Variables[i];
            var h = 1e-3 * (v.SafeMax - v.SafeMin);
            var up = Math.Min(optimum[i] + h, v.SafeMax);
            var down = Math.Max(optimum[i] - h, v.SafeMin);
            probe[i] = up;
            var kUp = model.Evaluate(probe);
            probe[i] = down;
            var kDown = model.Evaluate(probe);
            probe[i] = optimum[i];
            for (var k = 0; k < jacobian.Length; k++)
            {
                jacobian[k][i] = (kUp[k] - kDown[k]) / (up - down);
            }
        }

        return jacobian;
    }

    /// <summary>
    /// What relaxing each active limit by one KPI unit would gain, from the optimality (KKT) conditions on the
    /// variables that are free to move: ∇objective = Σ μ_j ∇limit_j, solved for μ by least squares with each
    /// variable's gradient taken per safe range, so no unit dominates. Null where the conditions do not pin it
    /// down (more active limits than free variables).
    /// </summary>
    private static List<ConstraintOutcome> WithShadowPrices(
        List<ConstraintOutcome> constraints,
        List<(KpiLimit Limit, int Kpi, string Source)> limits,
        List<SetpointOutcome> setpoints,
        double[][] jacobian,
        IReadOnlyList<ProcessVariable> variables,
        double sign)
    {
        var active = constraints.Select((c, j) => (c, j)).Where(x => x.c.Active).ToList();
        var free = setpoints.Select((s, i) => (s, i)).Where(x => x.s.Status == "free").Select(x => x.i).ToList();
        if (active.Count == 0 || free.Count < active.Count)
        {
            return constraints;
        }

        // Improvement direction of the objective and of each limit's "room", per fraction of the safe range.
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(free.Count, active.Count);
        var b = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(free.Count);
        for (var r = 0; r < free.Count; r++)
        {
            var i = free[r];
            var range = variables[i].SafeMax - variables[i].SafeMin;
            b[r] = -sign * setpoints[i].Sensitivity * range;
            for (var c = 0; c < active.Count; c++)
            {
                var (outcome, j) = active[c];
                var onMax = outcome.Max is { } max && Math.Abs(outcome.AtOptimum - max) <= Math.Abs(outcome.AtOptimum - (outcome.Min ?? double.NegativeInfinity));
                // A max limit binds as KPI − max ≤ 0, a min limit as min − KPI ≤ 0.
                a[r, c] = (onMax ? 1 : -1) * jacobian[limits[j].Kpi][i] * range;
            }
        }

        double[] mu;
        try
        {
            // Minimising sign·objective: ∇(sign·f) + Σ μ ∇g = 0, i.e. A μ = −∇(sign·f) = b.
            mu = a.QR().Solve(b).ToArray();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return constraints;
        }

        var result = new List<ConstraintOutcome>(constraints);
        for (var c = 0; c < active.Count; c++)
        {
            if (double.IsFinite(mu[c]))
            {
                result[active[c].j] = active[c].c with { ShadowPrice = Math.Max(0, mu[c]) };
            }
        }

        return result;
    }

    private static string Status(int i, double x, double[] lower, double[] upper, bool[] isFixed, bool[] requestedLower, bool[] requestedUpper, ProcessVariable v)
    {
        if (isFixed[i])
        {
            return "fixed";
        }

        var tolerance = 1e-4 * (v.SafeMax - v.SafeMin);
        if (x - lower[i] <= tolerance)
        {
            return requestedLower[i] ? "at requested lower bound" : "at lower safe limit";
        }

        if (upper[i] - x <= tolerance)
        {
            return requestedUpper[i] ? "at requested upper bound" : "at upper safe limit";
        }

        return "free";
    }

    private static ProcessOptimizationException Infeasible(
        ProcessDefinition d,
        List<(KpiLimit Limit, int Kpi, string Source)> limits,
        double[] closest,
        double[] kpis,
        bool timeLimitReached,
        TimeSpan timeLimit)
    {
        var broken = limits
            .Where(l => (l.Limit.Max is { } max && kpis[l.Kpi] > max) || (l.Limit.Min is { } min && kpis[l.Kpi] < min))
            .ToList();
        var wanted = string.Join(" and ", broken.Select(l => $"{Describe(l.Limit, d.Kpis[l.Kpi])} ({l.Source} limit)"));
        var reached = string.Join(" and ", broken.Select(l => $"{l.Limit.Kpi} is {Format(kpis[l.Kpi])} {d.Kpis[l.Kpi].Unit}"));
        var at = string.Join(", ", d.Variables.Select((v, i) => $"{v.Name} {Format(closest[i])} {v.Unit}"));
        var why = timeLimitReached
            ? $"The solver ran out of its {timeLimit.TotalSeconds:0.#} s time limit before finding setpoints that meet "
            : "No setpoints inside the bounds meet ";
        return new ProcessOptimizationException(ProcessOptimizationError.Infeasible,
            $"{why}{wanted} for process '{d.Name}'. The setpoints that come closest are {at}, where {reached}. Relax a limit, widen the bounds or unfix a variable.");
    }

    private static string Describe(KpiLimit limit, ProcessKpi kpi) => (limit.Min, limit.Max) switch
    {
        ({ } min, { } max) => $"{min.ToString("0.###", CultureInfo.InvariantCulture)} ≤ {kpi.Name} ≤ {max.ToString("0.###", CultureInfo.InvariantCulture)} {kpi.Unit}",
        (null, { } max) => $"{kpi.Name} ≤ {max.ToString("0.###", CultureInfo.InvariantCulture)} {kpi.Unit}",
        ({ } min, null) => $"{kpi.Name} ≥ {min.ToString("0.###", CultureInfo.InvariantCulture)} {kpi.Unit}",
        _ => kpi.Name,
    };

    private static int RequireVariable(ProcessDefinition d, string name, string where)
    {
        var i = d.VariableIndex(name ?? "");
        return i >= 0
            ? i
            : throw new ProcessOptimizationException(ProcessOptimizationError.UnknownVariable,
                $"Process '{d.Name}' has no variable '{name}' (in {where}). Its variables: {string.Join(", ", d.Variables.Select(v => $"{v.Name} ({v.Unit})"))}.");
    }

    private static void RequireFinite(double? value, string what)
    {
        if (value is { } v && !double.IsFinite(v))
        {
            throw new ProcessOptimizationException(ProcessOptimizationError.InvalidRequest, $"{what} must be a finite number.");
        }
    }

    // Values at a safe limit written with fewer digits must not read as beyond it.
    private static double Tolerance(ProcessVariable v) => 1e-9 * (v.SafeMax - v.SafeMin);

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
