using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Assistant.Tools.Processes.Solver;

/// <summary>
/// Bounded, constrained nonlinear minimisation: an augmented Lagrangian (Powell–Hestenes–Rockafellar form for
/// inequalities) handles the constraints, MathNet's L-BFGS-B style <see cref="BfgsBMinimizer"/> handles the bounds,
/// and several starts guard against local optima. Deterministic for a seed; stops at the time limit with the best
/// point so far. Works in the unit box internally so every variable's step sizes mean the same.
/// </summary>
public sealed class AugmentedLagrangianSolver
{
    private const double FiniteDifferenceStep = 1e-6;
    private const int MaxOuterIterations = 20;
    private const double MaxPenalty = 1e8;

    public SolverResult Solve(BoundedProblem problem, double[] initial, SolverSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Starts, 1);
        var clock = Stopwatch.StartNew();
        var first = new Run(problem, settings, clock, cancellationToken) { EvaluatesFirstPointRegardless = true };
        var n = problem.Dimension;
        var random = new Random(settings.Seed);
        var starts = new List<double[]> { first.ToUnit(initial), Enumerable.Repeat(0.5, n).ToArray() };
        while (starts.Count < settings.Starts)
        {
            starts.Add(Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray());
        }

        starts = starts.Take(settings.Starts).ToList();
        var runs = new List<Run> { first };
        var timeLimitReached = false;
        var completed = 0;
        try
        {
            var scale = first.ScaleObjective(starts);

            // Starts are independent: each has its own state and its own deterministic sequence of evaluations,
            // and the winner is chosen by value then by start order, so running them side by side changes
            // nothing but the wall time.
            var local = starts.Select(_ => new Run(problem, settings, clock, cancellationToken) { ObjectiveScale = scale }).ToArray();
            runs.AddRange(local);
            RunAll(starts.Count, settings.MaxParallelism, i => local[i].AugmentedLagrangian(starts[i]));
            completed = local.Count(r => r.Completed);
            timeLimitReached = local.Any(r => r.TimeLimitReached);

            // No start found a feasible point: before calling the problem infeasible, minimise the violation
            // itself, and if that reaches feasibility, optimise once more from there.
            if (!timeLimitReached && runs.All(r => r.BestFeasible is null))
            {
                foreach (var start in starts.Take(3))
                {
                    var phaseOne = new Run(problem, settings, clock, cancellationToken) { ObjectiveScale = scale };
                    runs.Add(phaseOne);
                    var point = phaseOne.MinimiseViolation(start);
                    if (phaseOne.BestFeasible is not null)
                    {
                        var polish = new Run(problem, settings, clock, cancellationToken) { ObjectiveScale = scale };
                        runs.Add(polish);
                        polish.AugmentedLagrangian(point);
                        break;
                    }
                }
            }
        }
        catch (TimeLimitReachedException)
        {
            timeLimitReached = true;
        }

        var feasible = runs.Select(r => r.BestFeasible).OfType<Point>().ToList();
        var best = feasible.Count > 0
            ? feasible.MinBy(p => p.Objective)!
            : runs.Select(r => r.LeastViolating).OfType<Point>().MinBy(p => p.Violation)
              ?? throw new InvalidOperationException("The solver stopped before it evaluated a single point.");
        return new SolverResult(
            first.ToNatural(best.U),
            best.Objective,
            best.Constraints,
            feasible.Count > 0,
            best.Violation,
            runs.Sum(r => r.Evaluations),
            completed,
            timeLimitReached || runs.Any(r => r.TimeLimitReached),
            clock.Elapsed);
    }

    private static void RunAll(int count, int maxParallelism, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : -1 }, body);
        }
        catch (AggregateException ex)
        {
            // Surface the first real failure (a cancellation, a model error) as itself, not wrapped.
            var inner = ex.Flatten().InnerExceptions;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(
                inner.FirstOrDefault(e => e is not OperationCanceledException) ?? inner[0]).Throw();
        }
    }

    private sealed record Point(double[] U, double Objective, double[] Constraints, double Violation);

    private sealed class TimeLimitReachedException : Exception;

    /// <summary>The state of one solve: the evaluation counter, the clock and the best points seen.</summary>
    private sealed class Run(BoundedProblem problem, SolverSettings settings, Stopwatch clock, CancellationToken cancellationToken)
    {
        private readonly double[] _x = new double[problem.Dimension];
        private readonly double[] _g = new double[problem.ConstraintCount];

        public double ObjectiveScale { get; init; } = 1;

        /// <summary>Set on the run that evaluates today's setpoints, so that even a spent budget has an answer.</summary>
        public bool EvaluatesFirstPointRegardless { get; init; }

        public int Evaluations { get; private set; }

        public bool TimeLimitReached { get; private set; }

        public bool Completed { get; private set; }

        public Point? BestFeasible { get; private set; }

        public Point? LeastViolating { get; private set; }

        public double[] ToUnit(double[] x) =>
            x.Select((v, i) => Range(i) > 0 ? Math.Clamp((v - problem.Lower[i]) / Range(i), 0, 1) : 0).ToArray();

        public double[] ToNatural(ReadOnlySpan<double> u)
        {
            var x = new double[u.Length];
            for (var i = 0; i < u.Length; i++)
            {
                // Clamp again: the minimiser's arithmetic may land a hair outside the box, and the box is the safe limits.
                x[i] = Math.Clamp(problem.Lower[i] + Math.Clamp(u[i], 0, 1) * Range(i), problem.Lower[i], problem.Upper[i]);
            }

            return x;
        }

        /// <summary>Evaluates at unit point <paramref name="u"/>; returns the raw objective and fills <paramref name="g"/>.</summary>
        public double Evaluate(ReadOnlySpan<double> u, Span<double> g)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (settings.TimeLimit is { } limit && (Evaluations > 0 || !EvaluatesFirstPointRegardless) && clock.Elapsed > limit)
            {
                TimeLimitReached = true;
                throw new TimeLimitReachedException();
            }

            for (var i = 0; i < u.Length; i++)
            {
                _x[i] = Math.Clamp(problem.Lower[i] + Math.Clamp(u[i], 0, 1) * Range(i), problem.Lower[i], problem.Upper[i]);
            }

            var f = problem.Function(_x, g);
            Evaluations++;
            if (!double.IsFinite(f))
            {
                throw new InvalidOperationException($"The process model returned a non-finite KPI at setpoints [{string.Join(", ", _x.Select(v => v.ToString("G6")))}].");
            }

            var violation = 0.0;
            foreach (var gi in g)
            {
                violation = Math.Max(violation, gi);
            }

            if (violation <= settings.FeasibilityTolerance)
            {
                if (BestFeasible is null || f < BestFeasible.Objective)
                {
                    BestFeasible = new Point(u.ToArray(), f, g.ToArray(), violation);
                }
            }
            else if (LeastViolating is null || violation < LeastViolating.Violation)
            {
                LeastViolating = new Point(u.ToArray(), f, g.ToArray(), violation);
            }

            return f;
        }

        public double ScaleObjective(IReadOnlyList<double[]> starts)
        {
            // The augmented Lagrangian balances objective against scaled constraints, so the objective needs a
            // natural size too: its spread over the starting points, or its magnitude when it does not move.
            var values = starts.Select(s => Evaluate(s, _g)).ToArray();
            var spread = values.Max() - values.Min();
            return Math.Max(Math.Max(spread, 1e-3 * values.Max(Math.Abs)), 1e-12);
        }

        public void AugmentedLagrangian(double[] start)
        {
            try
            {
                Iterate(start);
                Completed = true;
            }
            catch (TimeLimitReachedException)
            {
                // This start's best point so far stands; the caller sees TimeLimitReached.
            }
        }

        private void Iterate(double[] start)
        {
            var m = problem.ConstraintCount;
            var lambda = new double[m];
            var rho = 10.0;
            var u = (double[])start.Clone();
            var previousViolation = double.PositiveInfinity;
            var g = new double[m];
            for (var outer = 0; outer < (m == 0 ? 1 : MaxOuterIterations); outer++)
            {
                var lambdaNow = (double[])lambda.Clone();
                var rhoNow = rho;
                double Merit(ReadOnlySpan<double> point)
                {
                    Span<double> gi = stackalloc double[m];
                    var value = Evaluate(point, gi) / ObjectiveScale;
                    for (var j = 0; j < m; j++)
                    {
                        var shifted = Math.Max(0, lambdaNow[j] + rhoNow * gi[j]);
                        value += (shifted * shifted - lambdaNow[j] * lambdaNow[j]) / (2 * rhoNow);
                    }

                    return value;
                }

                var next = MinimiseInBox(Merit, u);
                Evaluate(next, g);
                var violation = 0.0;
                for (var j = 0; j < m; j++)
                {
                    lambda[j] = Math.Max(0, lambda[j] + rho * g[j]);
                    violation = Math.Max(violation, g[j]);
                }

                var moved = MaxDifference(next, u);
                u = next;
                if (violation <= settings.FeasibilityTolerance && moved < 1e-5)
                {
                    break;
                }

                if (violation > 0.25 * previousViolation)
                {
                    rho = Math.Min(rho * 10, MaxPenalty);
                }

                previousViolation = violation;
            }

        }

        public double[] MinimiseViolation(double[] start)
        {
            var m = problem.ConstraintCount;
            return MinimiseInBox(
                point =>
                {
                    Span<double> gi = stackalloc double[m];
                    Evaluate(point, gi);
                    var sum = 0.0;
                    foreach (var v in gi)
                    {
                        sum += v > 0 ? v * v : 0;
                    }

                    return sum;
                },
                start);
        }

        private delegate double UnitFunction(ReadOnlySpan<double> u);

        private double[] MinimiseInBox(UnitFunction f, double[] start)
        {
            var n = start.Length;
            if (n == 0)
            {
                f(start);
                return start;
            }

            var lower = Vector<double>.Build.Dense(n, 0);
            var upper = Vector<double>.Build.Dense(n, 1);
            var objective = ObjectiveFunction.Gradient(
                v => f(v.AsArray() ?? v.ToArray()),
                v => Gradient(f, v.ToArray()));
            try
            {
                var result = new BfgsBMinimizer(1e-8, 1e-10, 1e-12, 200)
                    .FindMinimum(objective, lower, upper, Vector<double>.Build.DenseOfArray(start));
                return result.MinimizingPoint.Select(v => Math.Clamp(v, 0, 1)).ToArray();
            }
            catch (Exception ex) when (ex is not TimeLimitReachedException and not OperationCanceledException)
            {
                // BFGS-B gives up when a line search fails on a kink (an active max(0, ·) term, a clamp); the
                // simplex method needs no gradient and is content with the box enforced by clamping.
                return NelderMeadInBox(f, start);
            }
        }

        private double[] NelderMeadInBox(UnitFunction f, double[] start)
        {
            double Clamped(Vector<double> v)
            {
                Span<double> point = stackalloc double[v.Count];
                var outside = 0.0;
                for (var i = 0; i < point.Length; i++)
                {
                    point[i] = Math.Clamp(v[i], 0, 1);
                    outside += (v[i] - point[i]) * (v[i] - point[i]);
                }

                return f(point) + 1e3 * outside;
            }

            try
            {
                var result = new NelderMeadSimplex(1e-10, 2000)
                    .FindMinimum(ObjectiveFunction.Value(Clamped), Vector<double>.Build.DenseOfArray(start), Vector<double>.Build.Dense(start.Length, 0.05));
                return result.MinimizingPoint.Select(v => Math.Clamp(v, 0, 1)).ToArray();
            }
            catch (MaximumIterationsException)
            {
                return start;
            }
        }

        private Vector<double> Gradient(UnitFunction f, double[] u)
        {
            var gradient = Vector<double>.Build.Dense(u.Length);
            var probe = (double[])u.Clone();
            for (var i = 0; i < u.Length; i++)
            {
                var h = FiniteDifferenceStep;
                // One-sided at a bound: the model is never evaluated outside the (safe) box.
                var up = Math.Min(u[i] + h, 1);
                var down = Math.Max(u[i] - h, 0);
                probe[i] = up;
                var fUp = f(probe);
                probe[i] = down;
                var fDown = f(probe);
                probe[i] = u[i];
                gradient[i] = (fUp - fDown) / (up - down);
            }

            return gradient;
        }

        private double Range(int i) => problem.Upper[i] - problem.Lower[i];

        private static double MaxDifference(double[] a, double[] b)
        {
            var max = 0.0;
            for (var i = 0; i < a.Length; i++)
            {
                max = Math.Max(max, Math.Abs(a[i] - b[i]));
            }

            return max;
        }
    }
}
