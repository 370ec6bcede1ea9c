namespace Assistant.Tools.Processes.Solver;

/// <summary>
/// Returns the objective to minimise at <paramref name="x"/> and writes the constraint values into
/// <paramref name="constraints"/>: each must be ≤ 0 and is scaled so that 1 means "off by the whole limit".
/// </summary>
public delegate double ProblemFunction(ReadOnlySpan<double> x, Span<double> constraints);

/// <summary>Minimise f(x) subject to g(x) ≤ 0 and lower ≤ x ≤ upper.</summary>
public sealed record BoundedProblem(double[] Lower, double[] Upper, int ConstraintCount, ProblemFunction Function)
{
    public int Dimension => Lower.Length;
}

/// <param name="Starts">Local solves from different points: the first from <c>initial</c>, the next from the centre, the rest random.</param>
/// <param name="FeasibilityTolerance">Largest scaled constraint value still counted as met.</param>
/// <param name="MaxParallelism">Starts solved at once; 0 uses every core. The answer does not depend on it.</param>
public sealed record SolverSettings(int Seed = 42, int Starts = 6, TimeSpan? TimeLimit = null, double FeasibilityTolerance = 1e-6, int MaxParallelism = 0);

/// <param name="X">Best point found: the best feasible one, or when none is feasible the one that violates least.</param>
/// <param name="Constraints">Scaled constraint values at <see cref="X"/>.</param>
public sealed record SolverResult(
    double[] X,
    double Objective,
    double[] Constraints,
    bool Feasible,
    double MaxViolation,
    int Evaluations,
    int StartsCompleted,
    bool TimeLimitReached,
    TimeSpan Elapsed);
