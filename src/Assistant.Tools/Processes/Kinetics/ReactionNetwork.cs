namespace Assistant.Tools.Processes.Kinetics;

/// <summary>Mass-action kinetics of a set of reactions among named species, with Arrhenius rate constants.</summary>
public sealed class ReactionNetwork
{
    /// <summary>Gas constant, J/(mol·K).</summary>
    public const double GasConstant = 8.314462618;

    private readonly string[] _species;
    private readonly double[] _k0;
    private readonly double[] _activationEnergy;
    // Per reaction: the species indexes in its rate law with their orders, and the species it changes with their coefficients.
    private readonly (int Species, double Order)[][] _orders;
    private readonly (int Species, double Coefficient)[][] _stoichiometry;

    public ReactionNetwork(IReadOnlyList<string> species, IReadOnlyList<ReactionSpec> reactions)
    {
        if (species.Count == 0 || reactions.Count == 0)
        {
            throw new InvalidDataException("A reaction network needs at least one species and one reaction.");
        }

        if (species.Distinct(StringComparer.Ordinal).Count() != species.Count)
        {
            throw new InvalidDataException("Species names must be unique.");
        }

        _species = [.. species];
        _k0 = new double[reactions.Count];
        _activationEnergy = new double[reactions.Count];
        _orders = new (int, double)[reactions.Count][];
        _stoichiometry = new (int, double)[reactions.Count][];
        for (var r = 0; r < reactions.Count; r++)
        {
            var reaction = reactions[r];
            if (!(reaction.K0 > 0) || !(reaction.ActivationEnergy >= 0))
            {
                throw new InvalidDataException($"Reaction '{reaction.Name}': k0 must be positive and the activation energy zero or positive.");
            }

            _k0[r] = reaction.K0;
            _activationEnergy[r] = reaction.ActivationEnergy;
            _orders[r] = reaction.Orders.Select(o => (Require(o.Key, reaction.Name), RequireOrder(o.Value, reaction.Name))).ToArray();
            _stoichiometry[r] = reaction.Stoichiometry.Select(s => (Require(s.Key, reaction.Name), s.Value)).ToArray();
        }
    }

    public IReadOnlyList<string> Species => _species;

    public int SpeciesIndex(string name) => Array.IndexOf(_species, name);

    /// <summary>k_r(T) = k0_r · exp(−Ea_r / (R·T)) for every reaction.</summary>
    public double[] RateConstants(double kelvin)
    {
        if (!(kelvin > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(kelvin), kelvin, "Absolute temperature must be positive.");
        }

        var k = new double[_k0.Length];
        for (var r = 0; r < k.Length; r++)
        {
            k[r] = _k0[r] * Math.Exp(-_activationEnergy[r] / (GasConstant * kelvin));
        }

        return k;
    }

    public void Derivatives(double[] rateConstants, ReadOnlySpan<double> concentrations, Span<double> derivatives)
    {
        derivatives.Clear();
        for (var r = 0; r < rateConstants.Length; r++)
        {
            var rate = rateConstants[r];
            foreach (var (species, order) in _orders[r])
            {
                // Trial steps can undershoot zero by a rounding error; a negative concentration has no rate.
                var c = Math.Max(concentrations[species], 0);
                rate *= order switch
                {
                    1 => c,
                    2 => c * c,
                    0 => 1,
                    _ => Math.Pow(c, order),
                };
            }

            foreach (var (species, coefficient) in _stoichiometry[r])
            {
                derivatives[species] += coefficient * rate;
            }
        }
    }

    private int Require(string species, string reaction)
    {
        var index = SpeciesIndex(species);
        return index >= 0
            ? index
            : throw new InvalidDataException($"Reaction '{reaction}' names species '{species}', which is not in 'species'.");
    }

    private static double RequireOrder(double order, string reaction) =>
        order >= 0 && double.IsFinite(order)
            ? order
            : throw new InvalidDataException($"Reaction '{reaction}': reaction orders must be zero or positive.");
}
