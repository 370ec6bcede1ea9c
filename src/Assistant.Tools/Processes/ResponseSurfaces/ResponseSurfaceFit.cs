using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Assistant.Tools.Processes.ResponseSurfaces;

/// <summary>How well a response surface fits its runs: shown next to every prediction so nobody trusts it blindly.</summary>
/// <param name="ResidualStdDev">Residual standard deviation, √(SSE / (runs − terms)), in the KPI's unit.</param>
public sealed record FitStatistics(
    string Kpi,
    string Unit,
    int Runs,
    int Terms,
    double RSquared,
    double AdjustedRSquared,
    double ResidualStdDev);

/// <summary>
/// Least-squares fit of every KPI to the same design (one QR of the design matrix serves all KPIs), with what a
/// prediction needs to say how sure it is: (XᵀX)⁻¹ for leverage and standard errors.
/// </summary>
public sealed class ResponseSurfaceFit
{
    private readonly Matrix<double> _inverseNormal;

    private ResponseSurfaceFit(QuadraticBasis basis, IReadOnlyList<double[]> coefficients, IReadOnlyList<FitStatistics> statistics, Matrix<double> inverseNormal, double[] runLeverages)
    {
        Basis = basis;
        Coefficients = coefficients;
        StandardErrors = statistics
            .Select(s => Enumerable.Range(0, basis.TermCount).Select(i => s.ResidualStdDev * Math.Sqrt(inverseNormal[i, i])).ToArray())
            .ToList();
        Statistics = statistics;
        _inverseNormal = inverseNormal;
        RunLeverages = runLeverages;
    }

    public QuadraticBasis Basis { get; }

    /// <summary>Per KPI, the coefficient of each term of <see cref="QuadraticBasis.TermNames"/> (coded units).</summary>
    public IReadOnlyList<double[]> Coefficients { get; }

    /// <summary>Per KPI, the standard error of each coefficient: residual spread × √((XᵀX)⁻¹)ᵢᵢ.</summary>
    public IReadOnlyList<double[]> StandardErrors { get; }

    public IReadOnlyList<FitStatistics> Statistics { get; }

    /// <summary>Leverage of each run in the design: a prediction beyond the largest of them is hidden extrapolation.</summary>
    public IReadOnlyList<double> RunLeverages { get; }

    /// <param name="inputs">One row per run: variable values in natural units.</param>
    /// <param name="responses">Per KPI, one value per run.</param>
    public static ResponseSurfaceFit Fit(
        QuadraticBasis basis,
        IReadOnlyList<double[]> inputs,
        IReadOnlyList<(string Kpi, string Unit, double[] Values)> responses)
    {
        var runs = inputs.Count;
        var p = basis.TermCount;
        if (runs <= p)
        {
            throw new InvalidDataException(
                $"A quadratic surface in {basis.Variables.Count} variables has {p} terms and needs more than {p} runs to fit and estimate its noise; the data has {runs}.");
        }

        var design = Matrix<double>.Build.Dense(runs, p);
        var row = new double[p];
        for (var r = 0; r < runs; r++)
        {
            basis.Terms(inputs[r], row);
            design.SetRow(r, row);
        }

        var qr = design.QR(QRMethod.Thin);
        var rMatrix = qr.R;
        var smallestPivot = Enumerable.Range(0, p).Min(i => Math.Abs(rMatrix[i, i]));
        var largestPivot = Enumerable.Range(0, p).Max(i => Math.Abs(rMatrix[i, i]));
        if (smallestPivot <= 1e-10 * largestPivot)
        {
            throw new InvalidDataException(
                "The runs do not separate the quadratic's terms (the design is rank-deficient): vary the setpoints more independently, e.g. with a designed experiment.");
        }

        var rInverse = rMatrix.Inverse();
        var inverseNormal = rInverse * rInverse.Transpose();
        var leverages = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var f = design.Row(r);
            leverages[r] = f * inverseNormal * f;
        }

        var coefficients = new List<double[]>();
        var statistics = new List<FitStatistics>();
        foreach (var (kpi, unit, values) in responses)
        {
            if (values.Length != runs)
            {
                throw new ArgumentException($"KPI {kpi} has {values.Length} values for {runs} runs.");
            }

            var y = Vector<double>.Build.DenseOfArray(values);
            var beta = qr.Solve(y);
            var residuals = y - design * beta;
            var sse = residuals.DotProduct(residuals);
            var mean = y.Average();
            var sst = y.Sum(v => (v - mean) * (v - mean));
            var rSquared = sst > 0 ? 1 - sse / sst : 1;
            var adjusted = 1 - (1 - rSquared) * (runs - 1) / (runs - p);
            coefficients.Add(beta.ToArray());
            statistics.Add(new FitStatistics(kpi, unit, runs, p, rSquared, adjusted, Math.Sqrt(sse / (runs - p))));
        }

        return new ResponseSurfaceFit(basis, coefficients, statistics, inverseNormal, leverages);
    }

    public double Predict(int kpi, ReadOnlySpan<double> x)
    {
        Span<double> terms = stackalloc double[Basis.TermCount];
        Basis.Terms(x, terms);
        var beta = Coefficients[kpi];
        var sum = 0.0;
        for (var i = 0; i < terms.Length; i++)
        {
            sum += beta[i] * terms[i];
        }

        return sum;
    }

    /// <summary>h(x) = f(x)ᵀ (XᵀX)⁻¹ f(x): how far x is from the runs, as the fit sees it.</summary>
    public double Leverage(ReadOnlySpan<double> x)
    {
        var terms = new double[Basis.TermCount];
        Basis.Terms(x, terms);
        var f = Vector<double>.Build.DenseOfArray(terms);
        return f * _inverseNormal * f;
    }

    /// <summary>Standard error of the mean prediction: residual spread × √leverage.</summary>
    public double PredictionStandardError(int kpi, ReadOnlySpan<double> x) =>
        Statistics[kpi].ResidualStdDev * Math.Sqrt(Leverage(x));
}
