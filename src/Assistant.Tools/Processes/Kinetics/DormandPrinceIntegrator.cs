namespace Assistant.Tools.Processes.Kinetics;

/// <summary>dy/dt = f(t, y), written into <paramref name="dydt"/> so the hot loop allocates nothing.</summary>
public delegate void OdeRightHandSide(double t, ReadOnlySpan<double> y, Span<double> dydt);

/// <summary>What one integration cost: accepted and rejected steps, right-hand-side evaluations.</summary>
public readonly record struct OdeStatistics(int AcceptedSteps, int RejectedSteps, int Evaluations);

/// <summary>
/// Explicit Runge–Kutta 5(4) of Dormand and Prince with per-step error control. MathNet's ODE solvers step with
/// a fixed size; a batch reactor's kinetics are fast at the start and slow at the end, so the step must adapt,
/// and the optimizer needs an end state whose error is far below the finite-difference steps it takes.
/// </summary>
public sealed class DormandPrinceIntegrator
{
    // Butcher tableau of the Dormand–Prince pair (published coefficients).
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;
    // Difference between the 5th-order solution and the embedded 4th-order one.
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    public DormandPrinceIntegrator(double relativeTolerance = 1e-9, double absoluteTolerance = 1e-12, int maxSteps = 200_000)
    {
        if (!(relativeTolerance > 0) || !(absoluteTolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeTolerance), "Tolerances must be positive.");
        }

        RelativeTolerance = relativeTolerance;
        AbsoluteTolerance = absoluteTolerance;
        MaxSteps = maxSteps;
    }

    public double RelativeTolerance { get; }

    public double AbsoluteTolerance { get; }

    public int MaxSteps { get; }

    /// <summary>Integrates from <paramref name="t0"/> to <paramref name="tEnd"/>; <paramref name="y"/> holds y(t0) on entry and y(tEnd) on return.</summary>
    public OdeStatistics Integrate(OdeRightHandSide f, Span<double> y, double t0, double tEnd) =>
        Integrate(f, y, t0, [tEnd], null);

    /// <summary>
    /// Integrates through increasing <paramref name="outputTimes"/>, landing exactly on each and calling
    /// <paramref name="onOutput"/> with its index and the state there. <paramref name="y"/> ends as y(last output time).
    /// </summary>
    public OdeStatistics Integrate(
        OdeRightHandSide f,
        Span<double> y,
        double t0,
        ReadOnlySpan<double> outputTimes,
        Action<int, ReadOnlySpan<double>>? onOutput)
    {
        var n = y.Length;
        var work = new double[9 * n];
        var k1 = work.AsSpan(0, n);
        var k2 = work.AsSpan(n, n);
        var k3 = work.AsSpan(2 * n, n);
        var k4 = work.AsSpan(3 * n, n);
        var k5 = work.AsSpan(4 * n, n);
        var k6 = work.AsSpan(5 * n, n);
        var k7 = work.AsSpan(6 * n, n);
        var stage = work.AsSpan(7 * n, n);
        var next = work.AsSpan(8 * n, n);

        var t = t0;
        var accepted = 0;
        var rejected = 0;
        var evaluations = 1;
        f(t, y, k1);
        var h = InitialStep(y, k1, outputTimes.Length > 0 ? outputTimes[^1] - t0 : 0);

        for (var output = 0; output < outputTimes.Length; output++)
        {
            var target = outputTimes[output];
            if (target < t)
            {
                throw new ArgumentException($"Output times must increase from t0 = {t0}; got {target} after {t}.", nameof(outputTimes));
            }

            while (t < target)
            {
                if (accepted + rejected >= MaxSteps)
                {
                    throw new InvalidOperationException(
                        $"The ODE integration needed more than {MaxSteps} steps to reach t = {target} (stuck at t = {t}); the kinetics are too stiff for an explicit method at these tolerances.");
                }

                var lastStep = t + h >= target;
                var step = lastStep ? target - t : h;

                for (var i = 0; i < n; i++) stage[i] = y[i] + step * A21 * k1[i];
                f(t + C2 * step, stage, k2);
                for (var i = 0; i < n; i++) stage[i] = y[i] + step * (A31 * k1[i] + A32 * k2[i]);
                f(t + C3 * step, stage, k3);
                for (var i = 0; i < n; i++) stage[i] = y[i] + step * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
                f(t + C4 * step, stage, k4);
                for (var i = 0; i < n; i++) stage[i] = y[i] + step * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
                f(t + C5 * step, stage, k5);
                for (var i = 0; i < n; i++) stage[i] = y[i] + step * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
                f(t + step, stage, k6);
                for (var i = 0; i < n; i++) next[i] = y[i] + step * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i]);
                f(t + step, next, k7);
                evaluations += 6;

                var errorNorm = 0.0;
                for (var i = 0; i < n; i++)
                {
                    var e = step * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
                    var scale = AbsoluteTolerance + RelativeTolerance * Math.Max(Math.Abs(y[i]), Math.Abs(next[i]));
                    errorNorm += (e / scale) * (e / scale);
                }

                errorNorm = Math.Sqrt(errorNorm / n);
                if (!double.IsFinite(errorNorm))
                {
                    throw new InvalidOperationException($"The ODE integration produced a non-finite state at t = {t}; check the kinetic parameters.");
                }

                // Standard step-size controller: safety 0.9, exponent 1/5, growth limited to [0.2, 5].
                var factor = errorNorm == 0 ? 5.0 : Math.Clamp(0.9 * Math.Pow(errorNorm, -0.2), 0.2, 5.0);
                if (errorNorm <= 1.0)
                {
                    t = lastStep ? target : t + step;
                    next.CopyTo(y);
                    k7.CopyTo(k1); // first-same-as-last: k7 is f at the new point
                    accepted++;
                    // A step shortened to land on an output time says nothing about the step the dynamics allow.
                    if (!lastStep)
                    {
                        h = step * factor;
                    }
                }
                else
                {
                    rejected++;
                    h = step * Math.Max(factor, 0.2);
                }
            }

            onOutput?.Invoke(output, y);
        }

        return new OdeStatistics(accepted, rejected, evaluations);
    }

    private double InitialStep(ReadOnlySpan<double> y, ReadOnlySpan<double> dydt, double span)
    {
        // Hairer's first guess: a step over which the state moves by about 1 % of its own size.
        double d0 = 0, d1 = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var scale = AbsoluteTolerance + RelativeTolerance * Math.Abs(y[i]);
            d0 += (y[i] / scale) * (y[i] / scale);
            d1 += (dydt[i] / scale) * (dydt[i] / scale);
        }

        d0 = Math.Sqrt(d0 / y.Length);
        d1 = Math.Sqrt(d1 / y.Length);
        var h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 * Math.Max(span, 1) : 0.01 * d0 / d1;
        return Math.Clamp(h, Math.Max(span * 1e-12, 1e-14), Math.Max(span, 1e-14));
    }
}
