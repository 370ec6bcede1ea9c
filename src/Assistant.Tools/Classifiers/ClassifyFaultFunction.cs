using System.Text.Json;
using Assistant.Core.Plant;
using Microsoft.Extensions.AI;

namespace Assistant.Tools.Classifiers;

/// <summary>
/// The <c>classify_fault</c> tool. Its parameter schema is written out by hand (plain JSON Schema: objects, arrays,
/// strings, numbers, enums) so a grammar can be generated from it; the machine and classifier enums list what is loaded.
/// </summary>
public sealed class ClassifyFaultFunction : AIFunction
{
    public const string ToolName = "classify_fault";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);
    private readonly FaultClassificationService _service;
    private readonly JsonElement _schema;

    public ClassifyFaultFunction(FaultClassificationService service, PlantLayout plant)
    {
        _service = service;
        var classifiers = service.Registry.Classifiers.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        var machines = plant.Machines.Where(m => m.Classifier is not null && service.Registry.Find(m.Classifier) is not null).Select(m => m.Id).ToArray();
        var features = service.Registry.Classifiers
            .Select(c => $"{c.Name}: {string.Join(", ", c.Manifest.Features.Select(f => f.Categories is { Count: > 0 } ? $"{f.Name} ({string.Join(", ", f.Categories.Select((k, i) => $"{i}={k}"))})" : $"{f.Name} ({f.Unit})"))}");

        var machine = new Dictionary<string, object>
        {
            ["type"] = "string",
            ["description"] = "Machine id from the plant layout; its latest readings are used.",
        };
        if (machines.Length > 0)
        {
            machine["enum"] = machines;
        }

        var classifier = new Dictionary<string, object>
        {
            ["type"] = "string",
            ["description"] = "Classifier to use when no machine is given.",
        };
        if (classifiers.Length > 0)
        {
            classifier["enum"] = classifiers;
        }

        _schema = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = new Dictionary<string, object>
            {
                ["machine"] = machine,
                ["classifier"] = classifier,
                ["readings"] = new Dictionary<string, object>
                {
                    ["type"] = "array",
                    ["description"] = "Readings to classify (with a machine: they replace its latest values). " + string.Join(" ", features),
                    ["items"] = new Dictionary<string, object>
                    {
                        ["type"] = "object",
                        ["properties"] = new Dictionary<string, object>
                        {
                            ["name"] = new Dictionary<string, object> { ["type"] = "string" },
                            ["value"] = new Dictionary<string, object> { ["type"] = "number" },
                            ["unit"] = new Dictionary<string, object> { ["type"] = "string" },
                        },
                        ["required"] = new[] { "name", "value" },
                        ["additionalProperties"] = false,
                    },
                },
            },
            ["additionalProperties"] = false,
        });
    }

    public override string Name => ToolName;

    public override string Description =>
        "Classifies a machine's condition with the plant's fault classifiers (ONNX models trained on labelled data). " +
        "Give a machine id to use its latest readings, or a classifier and readings. Returns the most likely class with its meaning, " +
        "every class's probability, the model and version, and the readings that pushed the decision most.";

    public override JsonElement JsonSchema => _schema;

    public override JsonSerializerOptions JsonSerializerOptions => SerializerOptions;

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var machine = ReadString(arguments, "machine");
        var classifier = ReadString(arguments, "classifier");
        var readings = ReadReadings(arguments);
        foreach (var key in arguments.Keys.Where(k => k is not ("machine" or "classifier" or "readings")))
        {
            throw new ArgumentException($"classify_fault takes machine, classifier and readings; '{key}' is not one of them.");
        }

        return ValueTask.FromResult<object?>(_service.Classify(machine, classifier, readings));
    }

    private static string? ReadString(AIFunctionArguments arguments, string name)
    {
        if (!arguments.TryGetValue(name, out var value) || value is null)
        {
            return null;
        }

        var element = value as JsonElement? ?? JsonSerializer.SerializeToElement(value, SerializerOptions);
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Null => null,
            _ => throw new ArgumentException($"classify_fault: '{name}' must be a string, not {element.ValueKind}."),
        };
    }

    private static IReadOnlyList<ReadingInput>? ReadReadings(AIFunctionArguments arguments)
    {
        if (!arguments.TryGetValue("readings", out var value) || value is null)
        {
            return null;
        }

        var element = value as JsonElement? ?? JsonSerializer.SerializeToElement(value, SerializerOptions);
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException("classify_fault: 'readings' must be an array of {name, value, unit} objects.");
        }

        var readings = new List<ReadingInput>();
        var problems = new List<string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                problems.Add($"reading {index} needs a 'name' string.");
                continue;
            }

            if (!item.TryGetProperty("value", out var number) || number.ValueKind != JsonValueKind.Number)
            {
                problems.Add($"reading {index} ({name.GetString()}) needs a numeric 'value'.");
                continue;
            }

            var unit = item.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            readings.Add(new ReadingInput(name.GetString()!, number.GetDouble(), unit));
        }

        if (problems.Count > 0)
        {
            throw new ReadingsProblemException(ToolName, problems);
        }

        return readings;
    }
}
