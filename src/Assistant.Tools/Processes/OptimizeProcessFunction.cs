using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Assistant.Tools.Processes;

/// <summary>
/// The <c>optimize_process</c> tool the language model calls. Its parameter schema is written out by hand and kept
/// small and closed (enums of the loaded processes, objectives, variables and KPIs; no free-form objects), because
/// a grammar is generated from it to force well-formed calls. Errors come back as <see cref="ProcessOptimizationException"/>
/// whose message says which argument is wrong and why.
/// </summary>
public sealed class OptimizeProcessFunction : AIFunction
{
    public const string ToolName = "optimize_process";

    /// <summary>How results are written for the model and the UI: camelCase names, enums as lower-case words.</summary>
    public static JsonSerializerOptions ResultJson { get; } = new(JsonSerializerDefaults.Web)
    {
        // Units such as °C and µm read as themselves: the result goes to a language model and an HTML-encoding UI.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new SignificantDigitsConverter() },
    };

    private readonly ProcessOptimizer _optimizer;
    private readonly JsonElement _schema;
    private readonly string _description;

    public OptimizeProcessFunction(ProcessOptimizer optimizer)
    {
        _optimizer = optimizer;
        var models = optimizer.Catalog.Models;
        _schema = BuildSchema(models);
        _description = BuildDescription(models);
    }

    public override string Name => ToolName;

    public override string Description => _description;

    public override JsonElement JsonSchema => _schema;

    public override JsonSerializerOptions JsonSerializerOptions => ResultJson;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var request = ParseArguments(arguments);
        var result = await _optimizer.OptimizeAsync(request, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(result, ResultJson);
    }

    /// <summary>Turns the model's arguments (JSON values or CLR values) into a request; malformed input is a clear error.</summary>
    public static ProcessOptimizationRequest ParseArguments(IEnumerable<KeyValuePair<string, object?>> arguments)
    {
        JsonElement json;
        try
        {
            json = JsonSerializer.SerializeToElement(arguments.ToDictionary(a => a.Key, a => a.Value), ResultJson);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException)
        {
            throw Invalid($"the arguments are not plain JSON values ({ex.Message}).");
        }

        var known = new HashSet<string>(["process", "objective", "fixed", "bounds", "limits", "within_data"], StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw Invalid($"unknown argument '{property.Name}'; the tool takes process, objective, fixed, bounds, limits and within_data.");
            }
        }

        var process = OptionalString(json, "process") ?? throw Invalid("'process' is required: name the process model to optimise.");
        var objective = OptionalString(json, "objective");

        var fixedValues = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in Items(json, "fixed"))
        {
            var variable = OptionalString(item, "variable") ?? throw Invalid("each entry of 'fixed' needs 'variable'.");
            var value = OptionalNumber(item, "value", $"fixed {variable}") ?? throw Invalid($"fixed {variable} needs a numeric 'value'.");
            if (!fixedValues.TryAdd(variable, value))
            {
                throw Invalid($"{variable} is fixed twice.");
            }
        }

        var bounds = new Dictionary<string, VariableBounds>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in Items(json, "bounds"))
        {
            var variable = OptionalString(item, "variable") ?? throw Invalid("each entry of 'bounds' needs 'variable'.");
            var b = new VariableBounds(OptionalNumber(item, "min", $"bounds of {variable}"), OptionalNumber(item, "max", $"bounds of {variable}"));
            if (!bounds.TryAdd(variable, b))
            {
                throw Invalid($"{variable} has bounds twice.");
            }
        }

        var limits = Items(json, "limits")
            .Select(item =>
            {
                var kpi = OptionalString(item, "kpi") ?? throw Invalid("each entry of 'limits' needs 'kpi'.");
                return new KpiLimit(kpi, OptionalNumber(item, "min", $"limit on {kpi}"), OptionalNumber(item, "max", $"limit on {kpi}"));
            })
            .ToList();

        var withinData = json.TryGetProperty("within_data", out var within) && within.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw Invalid("'within_data' must be true or false."),
        };

        return new ProcessOptimizationRequest(process, objective, fixedValues, bounds, limits, withinData);
    }

    private static IEnumerable<JsonElement> Items(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"'{name}' must be a list of objects.");
        }

        return value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Object ? item : throw Invalid($"each entry of '{name}' must be an object.")).ToList();
    }

    private static string? OptionalString(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"'{name}' must be a string.")
            : null;

    private static double? OptionalNumber(JsonElement json, string name, string where)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Small models sometimes quote numbers; accept a quoted number, refuse anything else.
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        if (value.ValueKind == JsonValueKind.String &&
            double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw Invalid($"'{name}' in {where} must be a number, not {value.GetRawText()}.");
    }

    private static ProcessOptimizationException Invalid(string message) =>
        new(ProcessOptimizationError.InvalidRequest, $"optimize_process: {message}");

    private static JsonElement BuildSchema(IReadOnlyCollection<ProcessModel> models)
    {
        static JsonArray Enum(IEnumerable<string> values) => new(values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        var processNames = models.Select(m => m.Name).ToList();
        var objectives = models.SelectMany(m => m.Definition.Objectives.Select(o => o.Name)).ToList();
        var variables = models.SelectMany(m => m.Definition.Variables.Select(v => v.Name)).ToList();
        var kpis = models.SelectMany(m => m.Definition.Kpis.Select(k => k.Name)).ToList();

        JsonObject StringProperty(string description, IReadOnlyCollection<string> values)
        {
            var property = new JsonObject { ["type"] = "string", ["description"] = description };
            if (values.Count > 0)
            {
                property["enum"] = Enum(values);
            }

            return property;
        }

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["process"] = StringProperty("Process model to optimise.", processNames),
                ["objective"] = StringProperty("Objective of that process; omit for its first (default) objective.", objectives),
                ["fixed"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "Variables to hold at a value (must be inside the safe limits).",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["variable"] = StringProperty("Variable name.", variables),
                            ["value"] = new JsonObject { ["type"] = "number" },
                        },
                        ["required"] = new JsonArray("variable", "value"),
                        ["additionalProperties"] = false,
                    },
                },
                ["bounds"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "Tighter limits for variables (never looser than the safe limits).",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["variable"] = StringProperty("Variable name.", variables),
                            ["min"] = new JsonObject { ["type"] = "number" },
                            ["max"] = new JsonObject { ["type"] = "number" },
                        },
                        ["required"] = new JsonArray("variable"),
                        ["additionalProperties"] = false,
                    },
                },
                ["limits"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "Extra limits on KPIs for this request, e.g. cycle_time max 30.",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["kpi"] = StringProperty("KPI name.", kpis),
                            ["min"] = new JsonObject { ["type"] = "number" },
                            ["max"] = new JsonObject { ["type"] = "number" },
                        },
                        ["required"] = new JsonArray("kpi"),
                        ["additionalProperties"] = false,
                    },
                },
                ["within_data"] = new JsonObject
                {
                    ["type"] = "boolean",
                    ["description"] = "Data-driven processes only: keep the optimum inside the logged production runs, so nothing is extrapolated.",
                },
            },
            ["required"] = new JsonArray("process"),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }

    private static string BuildDescription(IReadOnlyCollection<ProcessModel> models)
    {
        var text = new StringBuilder(
            "Finds the setpoints that best meet a process objective without leaving the safe limits, and compares them with today's setpoints. ");
        if (models.Count == 0)
        {
            return text.Append("No process models are loaded.").ToString();
        }

        text.Append("Processes:");
        foreach (var m in models)
        {
            var d = m.Definition;
            text.Append(CultureInfo.InvariantCulture, $" {d.Name} ({d.Title}; machines {string.Join(", ", d.Machines ?? [])}):");
            text.Append(CultureInfo.InvariantCulture, $" objectives {string.Join(", ", d.Objectives.Select(o => $"{o.Name} = {o.Description}"))};");
            text.Append(CultureInfo.InvariantCulture, $" variables {string.Join(", ", d.Variables.Select(v => $"{v.Name} {v.SafeMin:0.###}–{v.SafeMax:0.###} {v.Unit}"))};");
            text.Append(CultureInfo.InvariantCulture, $" KPIs {string.Join(", ", d.Kpis.Select(k => $"{k.Name} ({k.Unit})"))}.");
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes doubles with 6 significant digits: far beyond what a setpoint can be dialled to, and a third of the
    /// tokens of round-trip precision in the language model's context.
    /// </summary>
    private sealed class SignificantDigitsConverter : System.Text.Json.Serialization.JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (!double.IsFinite(value))
            {
                writer.WriteNullValue();
                return;
            }

            writer.WriteNumberValue(double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }
    }
}
