namespace Assistant.Tools.Processes.Kinetics;

/// <summary>
/// First-principles model of an isothermal batch reactor: Arrhenius kinetics integrated over the batch time.
/// KPIs it can report (the model file picks which, with units as written here):
/// <c>yield</c> (% of the limiting reagent turned into product), <c>conversion</c> (% of the limiting reagent
/// consumed), <c>byproduct_fraction</c> (% by-product in product + by-product), <c>energy</c> (kWh per batch) and
/// <c>margin</c> (product value minus feed, energy and occupancy cost per batch; needs <c>economics</c>).
/// </summary>
public sealed class BatchReactorModel : ProcessModel
{
    public static readonly IReadOnlyList<string> KnownKpis = ["yield", "conversion", "byproduct_fraction", "energy", "margin"];

    private const double KelvinOffset = 273.15;

    private readonly BatchReactorSpec _spec;
    private readonly ReactionNetwork _network;
    private readonly DormandPrinceIntegrator _integrator;
    private readonly int _temperature, _time, _feedRatio;
    private readonly bool _temperatureInCelsius;
    private readonly double _timeToHours;
    private readonly int _limiting, _feed, _product, _byproduct;
    private readonly double[] _initial;
    private readonly Func<BatchOutcome, double>[] _kpis;

    public BatchReactorModel(ProcessDefinition definition, string sourcePath, DormandPrinceIntegrator? integrator = null)
        : base(definition, sourcePath)
    {
        _spec = definition.Reactor ?? throw new InvalidDataException($"{sourcePath}: a batch-reactor model needs a 'reactor' section.");
        _network = new ReactionNetwork(_spec.Species, _spec.Reactions);
        _integrator = integrator ?? new DormandPrinceIntegrator();

        _temperature = RequireVariable(_spec.TemperatureVariable, "temperatureVariable");
        _time = RequireVariable(_spec.TimeVariable, "timeVariable");
        _feedRatio = RequireVariable(_spec.FeedRatioVariable, "feedRatioVariable");
        _temperatureInCelsius = definition.Variables[_temperature].Unit switch
        {
            "°C" or "degC" or "C" => true,
            "K" => false,
            var u => throw new InvalidDataException($"{sourcePath}: temperature unit '{u}' is not supported; use °C or K."),
        };
        _timeToHours = definition.Variables[_time].Unit switch
        {
            "h" => 1.0,
            "min" => 1.0 / 60,
            var u => throw new InvalidDataException($"{sourcePath}: batch time unit '{u}' is not supported; use h or min (kinetics are per hour)."),
        };
        if (definition.Variables.Count != 3)
        {
            throw new InvalidDataException($"{sourcePath}: a batch-reactor model has exactly three variables (temperature, batch time, feed ratio).");
        }

        _limiting = RequireSpecies(_spec.LimitingReagent, "limitingReagent");
        _feed = RequireSpecies(_spec.Feed, "feed");
        _product = RequireSpecies(_spec.Product, "product");
        _byproduct = RequireSpecies(_spec.Byproduct, "byproduct");
        if (!(_spec.Volume > 0))
        {
            throw new InvalidDataException($"{sourcePath}: reactor volume must be positive.");
        }

        _initial = new double[_spec.Species.Count];
        foreach (var (species, concentration) in _spec.Initial)
        {
            if (!(concentration >= 0))
            {
                throw new InvalidDataException($"{sourcePath}: initial concentration of {species} must be zero or positive.");
            }

            _initial[RequireSpecies(species, "initial")] = concentration;
        }

        if (!(_initial[_limiting] > 0))
        {
            throw new InvalidDataException($"{sourcePath}: the limiting reagent {_spec.LimitingReagent} needs a positive initial concentration.");
        }

        _kpis = definition.Kpis.Select(k => KpiFunction(k.Name)).ToArray();
    }

    public override void Evaluate(ReadOnlySpan<double> setpoints, Span<double> kpis)
    {
        var outcome = Simulate(setpoints);
        for (var i = 0; i < _kpis.Length; i++)
        {
            kpis[i] = _kpis[i](outcome);
        }
    }

    /// <summary>Runs one batch and returns the final composition with its operating conditions.</summary>
    public BatchOutcome Simulate(ReadOnlySpan<double> setpoints)
    {
        var kelvin = ToKelvin(setpoints[_temperature]);
        var hours = setpoints[_time] * _timeToHours;
        var ratio = setpoints[_feedRatio];
        var state = (double[])_initial.Clone();
        state[_feed] += ratio * _initial[_limiting];
        var rates = _network.RateConstants(kelvin);
        _integrator.Integrate((_, c, dc) => _network.Derivatives(rates, c, dc), state, 0, Math.Max(hours, 0));
        return new BatchOutcome(kelvin - KelvinOffset, hours, ratio, state);
    }

    /// <summary>
    /// Runs one batch at a temperature and feed ratio and reports the KPIs at each of <paramref name="hours"/>:
    /// one integration serves every batch time, which is what makes a fine grid search affordable.
    /// </summary>
    public void SimulateTrajectory(double temperature, double feedRatio, ReadOnlySpan<double> times, Action<int, double[]> onKpis)
    {
        var kelvin = ToKelvin(temperature);
        var state = (double[])_initial.Clone();
        state[_feed] += feedRatio * _initial[_limiting];
        var rates = _network.RateConstants(kelvin);
        var hours = new double[times.Length];
        for (var i = 0; i < times.Length; i++)
        {
            hours[i] = times[i] * _timeToHours;
        }

        var kpis = new double[_kpis.Length];
        _integrator.Integrate(
            (_, c, dc) => _network.Derivatives(rates, c, dc),
            state,
            0,
            hours,
            (i, c) =>
            {
                var outcome = new BatchOutcome(kelvin - KelvinOffset, hours[i], feedRatio, c.ToArray());
                for (var k = 0; k < _kpis.Length; k++)
                {
                    kpis[k] = _kpis[k](outcome);
                }

                onKpis(i, kpis);
            });
    }

    private double ToKelvin(double temperature) => _temperatureInCelsius ? temperature + KelvinOffset : temperature;

    private Func<BatchOutcome, double> KpiFunction(string name) => name switch
    {
        "yield" => o => 100 * o.Concentrations[_product] / _initial[_limiting],
        "conversion" => o => 100 * (1 - o.Concentrations[_limiting] / _initial[_limiting]),
        "byproduct_fraction" => o =>
        {
            var total = o.Concentrations[_product] + o.Concentrations[_byproduct];
            return total > 0 ? 100 * o.Concentrations[_byproduct] / total : 0;
        },
        "energy" => Energy,
        "margin" => _spec.Economics is null
            ? throw new InvalidDataException($"{SourcePath}: KPI 'margin' needs an 'economics' section in 'reactor'.")
            : Margin,
        _ => throw new InvalidDataException(
            $"{SourcePath}: a batch reactor does not compute KPI '{name}'; it computes {string.Join(", ", KnownKpis)}."),
    };

    private double Energy(BatchOutcome o)
    {
        var e = _spec.Economics ?? throw new InvalidDataException($"{SourcePath}: KPI 'energy' needs an 'economics' section in 'reactor'.");
        // Heat the charge up once, then cover the jacket's losses for the whole hold; the heat of reaction is small
        // against both for this chemistry and is left out.
        var heatUp = e.HeatCapacityKWhPerK * Math.Max(o.Temperature - e.ChargeTemperature, 0);
        var losses = e.HeatLossKWPerK * Math.Max(o.Temperature - e.AmbientTemperature, 0) * o.Hours;
        return (heatUp + losses) / e.HeatingEfficiency;
    }

    private double Margin(BatchOutcome o)
    {
        var e = _spec.Economics!;
        var product = o.Concentrations[_product] * _spec.Volume * e.ProductValuePerKmol;
        var feed = o.FeedRatio * _initial[_limiting] * _spec.Volume * e.FeedCostPerKmol;
        var energy = Energy(o) * e.EnergyPricePerKWh;
        var occupancy = (o.Hours + e.TurnaroundHours) * e.OccupancyCostPerHour;
        return product - feed - energy - occupancy;
    }

    private int RequireVariable(string name, string field)
    {
        var index = Definition.VariableIndex(name);
        return index >= 0
            ? index
            : throw new InvalidDataException($"{SourcePath}: reactor.{field} names variable '{name}', which is not in 'variables'.");
    }

    private int RequireSpecies(string name, string field)
    {
        var index = _network.SpeciesIndex(name);
        return index >= 0
            ? index
            : throw new InvalidDataException($"{SourcePath}: reactor.{field} names species '{name}', which is not in 'species'.");
    }
}

/// <summary>The end of one batch: conditions and final concentrations (kmol/m³, in species order).</summary>
public sealed record BatchOutcome(double Temperature, double Hours, double FeedRatio, double[] Concentrations);
