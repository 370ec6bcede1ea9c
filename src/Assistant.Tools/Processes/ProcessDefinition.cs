using System.Text.Json.Serialization;

namespace Assistant.Tools.Processes;

/// <summary>
/// A process model as an engineer writes it in <c>models/processes/NAME.json</c>: the setpoints the optimizer may
/// move, their safe limits and today's values, the KPIs the model predicts, the objectives worth asking for and the
/// quality limits every answer must respect. Adding a process is adding a file; the <see cref="Type"/> picks the
/// model family (<c>batch-reactor</c> or <c>response-surface</c>) and its section holds the family's parameters.
/// </summary>
public sealed record ProcessDefinition(
    string Name,
    string Title,
    string Description,
    string Type,
    IReadOnlyList<ProcessVariable> Variables,
    IReadOnlyList<ProcessKpi> Kpis,
    IReadOnlyList<ProcessObjective> Objectives,
    IReadOnlyList<KpiLimit>? Constraints = null,
    IReadOnlyList<string>? Machines = null,
    BatchReactorSpec? Reactor = null,
    ResponseSurfaceSpec? ResponseSurface = null)
{
    public const string BatchReactorType = "batch-reactor";
    public const string ResponseSurfaceType = "response-surface";

    public int VariableIndex(string name)
    {
        for (var i = 0; i < Variables.Count; i++)
        {
            if (string.Equals(Variables[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public int KpiIndex(string name)
    {
        for (var i = 0; i < Kpis.Count; i++)
        {
            if (string.Equals(Kpis[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public ProcessObjective? FindObjective(string name) =>
        Objectives.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <param name="SafeMin">Lowest value the plant allows; no request can move the optimizer below it.</param>
/// <param name="SafeMax">Highest value the plant allows.</param>
/// <param name="Current">Today's setpoint on the machine: the baseline every result is compared with.</param>
public sealed record ProcessVariable(string Name, string Description, string Unit, double SafeMin, double SafeMax, double Current);

/// <summary>A quantity the model predicts, with what it means on the shop floor.</summary>
public sealed record ProcessKpi(string Name, string Description, string Unit);

[JsonConverter(typeof(JsonStringEnumConverter<ObjectiveSense>))]
public enum ObjectiveSense
{
    Minimize,
    Maximize,
}

/// <summary>
/// What "best" means: one KPI (<see cref="Kpi"/>), or a weighted sum of KPIs plus an offset (<see cref="Terms"/>),
/// e.g. a cost per good part built from cycle time and scrap rate.
/// </summary>
public sealed record ProcessObjective(
    string Name,
    string Description,
    ObjectiveSense Sense,
    string? Kpi = null,
    IReadOnlyDictionary<string, double>? Terms = null,
    double Offset = 0,
    string? Unit = null);

/// <summary>A limit on a KPI: from the model file (a quality spec) or from one request.</summary>
public sealed record KpiLimit(string Kpi, double? Min = null, double? Max = null, string? Description = null);

/// <summary>One reaction: rate = k0 · exp(−Ea / (R·T)) · Π c_s^order_s, changing species by <see cref="Stoichiometry"/>.</summary>
/// <param name="K0">Pre-exponential factor in the units that make the rate kmol/(m³·h).</param>
/// <param name="ActivationEnergy">Ea in J/mol.</param>
public sealed record ReactionSpec(
    string Name,
    double K0,
    double ActivationEnergy,
    IReadOnlyDictionary<string, double> Orders,
    IReadOnlyDictionary<string, double> Stoichiometry);

/// <summary>Costs that turn a batch into money: product value, raw material, heating and reactor occupancy.</summary>
public sealed record BatchEconomics(
    double ProductValuePerKmol,
    double FeedCostPerKmol,
    double EnergyPricePerKWh,
    double HeatCapacityKWhPerK,
    double HeatLossKWPerK,
    double ChargeTemperature,
    double AmbientTemperature,
    double HeatingEfficiency,
    double OccupancyCostPerHour,
    double TurnaroundHours);

/// <summary>
/// A well-mixed isothermal batch: species charged at <see cref="Initial"/> concentrations (kmol/m³), the feed
/// species charged at feed ratio × the limiting reagent, reactions integrated over the batch time (hours).
/// </summary>
public sealed record BatchReactorSpec(
    double Volume,
    IReadOnlyList<string> Species,
    IReadOnlyDictionary<string, double> Initial,
    string LimitingReagent,
    string Feed,
    string Product,
    string Byproduct,
    string TemperatureVariable,
    string TimeVariable,
    string FeedRatioVariable,
    IReadOnlyList<ReactionSpec> Reactions,
    BatchEconomics? Economics = null);

/// <summary>A quadratic response surface fitted to production runs in <see cref="Runs"/> (CSV next to the model file).</summary>
/// <param name="Runs">CSV file, relative to the model file; its header names the variables and KPIs.</param>
public sealed record ResponseSurfaceSpec(string Runs);
