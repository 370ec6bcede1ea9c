using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Assistant.Core.Answering.Tools;

/// <summary>A call's arguments as JSON, whether they came from the model (JSON values) or from code (CLR values).</summary>
internal static class ToolArguments
{
    public static JsonElement ToJson(IEnumerable<KeyValuePair<string, object?>>? arguments) =>
        JsonSerializer.SerializeToElement(
            arguments?.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal) ?? [],
            AIJsonUtilities.DefaultOptions);

    /// <summary>The argument as text when it is a string (as JSON or CLR value), else null.</summary>
    public static string? Text(KernelArguments arguments, string name) =>
        arguments.TryGetValue(name, out var value) ? value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        } : null;
}
