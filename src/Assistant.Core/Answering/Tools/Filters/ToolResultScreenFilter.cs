using System.Text;
using System.Text.Json;
using Assistant.Core.Safety;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using FunctionInvocationContext = Microsoft.SemanticKernel.FunctionInvocationContext;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// Nothing a tool returns reaches a person or the model without the safety screen: the result is written as JSON
/// (with the tool's own serializer settings) and every text in it is screened; a flagged result is withheld and
/// reported as an error naming the finding, so whoever owns the tool's data can fix it. Refusals and failures are
/// screened too, since they can quote what the model wrote.
/// </summary>
internal sealed class ToolResultScreenFilter(IContentScreen screen, IReadOnlyDictionary<string, AIFunction> tools, ILogger logger) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        await next(context).ConfigureAwait(false);

        var name = context.Function.Name;
        var value = context.Result.GetValue<object>();
        if (value is ToolError error)
        {
            if (screen.Screen(error.Error) is { } finding)
            {
                logger.LogWarning("Withheld the error of tool {Tool}: the safety screen found {Kind} \"{Phrase}\"", name, finding.Kind, finding.Phrase);
                context.Result = new FunctionResult(context.Function, new ToolError(
                    $"{name} did not run, and its error message was withheld: {Describe(finding)}."));
            }

            return;
        }

        JsonElement json;
        try
        {
            json = value switch
            {
                JsonElement element => element,
                JsonDocument document => document.RootElement.Clone(),
                _ => JsonSerializer.SerializeToElement(value, value?.GetType() ?? typeof(object), SerializerFor(name)),
            };
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            context.Result = new FunctionResult(context.Function, new ToolError($"{name} returned a result that cannot be written as JSON: {ex.Message}"));
            return;
        }

        if (screen.Screen(Texts(json)) is { } flagged)
        {
            logger.LogWarning("Withheld the result of tool {Tool}: the safety screen found {Kind} \"{Phrase}\"", name, flagged.Kind, flagged.Phrase);
            context.Result = new FunctionResult(context.Function, new ToolError(
                $"The result of {name} was withheld: {Describe(flagged)}. Report it, so the tool's data can be fixed."));
            return;
        }

        context.Result = new FunctionResult(context.Result, json);
    }

    private JsonSerializerOptions SerializerFor(string name) =>
        tools.TryGetValue(name, out var tool) && tool.JsonSerializerOptions is { } options ? options : AIJsonUtilities.DefaultOptions;

    private static string Describe(ScreenFinding finding) => finding.Kind switch
    {
        ScreenFindingKind.DefeatsSafety => $"the safety screen found an instruction to defeat a safety device (\"{finding.Phrase}\")",
        ScreenFindingKind.AddressesAssistant => $"the safety screen found text that addresses the assistant (\"{finding.Phrase}\")",
        _ => $"the safety screen flagged \"{finding.Phrase}\"",
    };

    /// <summary>Every name and string in the result, one per line, as a person would read them (JSON escapes undone).</summary>
    private static string Texts(JsonElement json)
    {
        var text = new StringBuilder();
        Collect(json, text);
        return text.ToString();

        static void Collect(JsonElement element, StringBuilder text)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    text.AppendLine(element.GetString());
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        text.AppendLine(property.Name);
                        Collect(property.Value, text);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, text);
                    }

                    break;
            }
        }
    }
}
