namespace Assistant.Tools.Processes.ResponseSurfaces;

/// <summary>
/// Full quadratic in coded variables: 1, x_i, x_i², x_i·x_j (i &lt; j). Coding maps each variable's data range onto
/// [−1, 1] so that coefficients compare across units and the normal equations stay well conditioned.
/// </summary>
public sealed class QuadraticBasis
{
    private readonly double[] _center;
    private readonly double[] _halfRange;

    public QuadraticBasis(IReadOnlyList<string> variables, double[] center, double[] halfRange)
    {
        if (variables.Count != center.Length || center.Length != halfRange.Length)
        {
            throw new ArgumentException("One centre and one half-range per variable.");
        }

        for (var i = 0; i < halfRange.Length; i++)
        {
            if (!(halfRange[i] > 0))
            {
                throw new InvalidDataException($"Variable '{variables[i]}' never changes in the data: a response surface cannot learn its effect. Add runs at other values of it.");
            }
        }

        Variables = variables;
        _center = center;
        _halfRange = halfRange;
        var names = new List<string> { "1" };
        names.AddRange(variables);
        names.AddRange(variables.Select(v => $"{v}²"));
        for (var i = 0; i < variables.Count; i++)
        {
            for (var j = i + 1; j < variables.Count; j++)
            {
                names.Add($"{variables[i]}×{variables[j]}");
            }
        }

        TermNames = names;
    }

    public IReadOnlyList<string> Variables { get; }

    public IReadOnlyList<string> TermNames { get; }

    public int TermCount => TermNames.Count;

    public ReadOnlySpan<double> Center => _center;

    public ReadOnlySpan<double> HalfRange => _halfRange;

    /// <summary>Coding from the data's own range: min ↦ −1, max ↦ +1.</summary>
    public static QuadraticBasis FromRange(IReadOnlyList<string> variables, double[] min, double[] max) =>
        new(variables,
            min.Zip(max, (lo, hi) => (lo + hi) / 2).ToArray(),
            min.Zip(max, (lo, hi) => (hi - lo) / 2).ToArray());

    public void Code(ReadOnlySpan<double> x, Span<double> coded)
    {
        for (var i = 0; i < x.Length; i++)
        {
            coded[i] = (x[i] - _center[i]) / _halfRange[i];
        }
    }

    /// <summary>Writes the term values at <paramref name="x"/> (natural units) into <paramref name="terms"/>.</summary>
    public void Terms(ReadOnlySpan<double> x, Span<double> terms)
    {
        var n = x.Length;
        Span<double> c = stackalloc double[n];
        Code(x, c);
        terms[0] = 1;
        for (var i = 0; i < n; i++)
        {
            terms[1 + i] = c[i];
            terms[1 + n + i] = c[i] * c[i];
        }

        var t = 1 + 2 * n;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                terms[t++] = c[i] * c[j];
            }
        }
    }
}
