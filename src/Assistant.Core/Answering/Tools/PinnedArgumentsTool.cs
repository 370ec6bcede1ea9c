using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// A tool as offered to the model when the question already named some of its arguments ("classify CNC-2
/// now"): the same tool, with those parameters pinned to the named values in its schema. The runtime turns the
/// schema into a grammar, so even a small or confused model calls the tool for the machine that was asked about.
/// </summary>
public sealed class PinnedArgumentsTool : AIFunctionDeclaration
{
    private readonly AIFunctionDeclaration _tool;

    public PinnedArgumentsTool(AIFunctionDeclaration tool, IReadOnlyDictionary<string, object?> pinned)
    {
        _tool = tool;
        JsonSchema = Pin(tool.JsonSchema, pinned);
    }

    public override string Name => _tool.Name;

    public override string Description => _tool.Description;

    public override JsonElement JsonSchema { get; }

    private static JsonElement Pin(JsonElement schema, IReadOnlyDictionary<string, object?> pinned)
    {
        if (JsonNode.Parse(schema.GetRawText()) is not JsonObject root || root["properties"] is not JsonObject properties)
        {
            return schema;
        }

        var required = root["required"] as JsonArray ?? [];
        foreach (var (name, value) in pinned)
        {
            if (value is null || !properties.ContainsKey(name))
            {
                continue;
            }

            properties[name] = new JsonObject
            {
                ["type"] = "string",
                ["const"] = JsonValue.Create(value.ToString()),
                ["description"] = (properties[name] as JsonObject)?["description"]?.DeepClone(),
            };
            if (!required.Any(r => r?.GetValue<string>() == name))
            {
                required.Add(name);
            }
        }

        root["required"] = required;
        return JsonSerializer.SerializeToElement(root);
    }
}
