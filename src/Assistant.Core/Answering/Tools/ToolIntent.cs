using System.Text.Json;
using System.Text.RegularExpressions;
using Assistant.Core.Plant;
using Microsoft.Extensions.AI;
using Assistant.Core.Answering.Retrieval;

namespace Assistant.Core.Answering.Tools;

/// <summary>A question that names a tool outright ("classify machine CNC-2 now", "best setpoints for IM-1").</summary>
/// <param name="ToolName">The tool the question asks for.</param>
/// <param name="Machine">The machine it is about (named in the question, else the request's machine).</param>
/// <param name="Problem">Why the tool cannot run for this machine (no classifier watches it...), or null.</param>
public sealed record ToolIntent(string ToolName, PlantMachine Machine, string? Problem);

/// <summary>
/// Recognises questions that ask for a tool by name. In retrieval-only mode the tool runs directly; with a model,
/// the first round forces that tool's call (the grammar makes it well-formed), so an explicit request is never
/// talked around.
/// </summary>
public static partial class ToolIntents
{
    public const string ClassifyFault = "classify_fault";
    public const string OptimizeProcess = "optimize_process";

    public static ToolIntent? Detect(string question, string? requestMachine, PlantLayout plant)
    {
        var tool = Classify().IsMatch(question) ? ClassifyFault
            : Optimize().IsMatch(question) ? OptimizeProcess
            : null;
        if (tool is null)
        {
            return null;
        }

        // Without a machine the words are more likely about something else ("classify a defect as scrap").
        var machine = PlantContext.MachineOf(question, requestMachine, plant);
        if (machine is null)
        {
            return null;
        }

        if (tool == ClassifyFault && machine.Classifier is null)
        {
            var watched = plant.Machines.Where(m => m.Classifier is not null).Select(m => m.Id).ToList();
            return new ToolIntent(tool, machine, $"No fault classifier watches {machine.Id}." + (watched.Count > 0 ? $" Classifiers watch {string.Join(", ", watched)}." : ""));
        }

        if (tool == OptimizeProcess && machine.Process is null)
        {
            var modelled = plant.Machines.Where(m => m.Process is not null).Select(m => m.Id).ToList();
            return new ToolIntent(tool, machine, $"There is no process model for {machine.Id}, so it cannot be optimised." + (modelled.Count > 0 ? $" Process models exist for {string.Join(", ", modelled)}." : ""));
        }

        return new ToolIntent(tool, machine, null);
    }

    /// <summary>
    /// Fills the tool's parameters that the plant layout can answer (machine id, classifier, process, line),
    /// by the parameter names of its schema; null and the missing parameter's name when a required one is unknown.
    /// </summary>
    public static (Dictionary<string, object?>? Arguments, string? Missing) ArgumentsFor(AIFunction tool, PlantMachine machine)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        var schema = tool.JsonSchema;
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                var value = property.Name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
                {
                    "machine" or "machineid" or "machinename" => machine.Id,
                    "classifier" or "classifiername" or "classifierid" => machine.Classifier,
                    "process" or "processname" or "processid" or "processmodel" => machine.Process,
                    "line" or "lineid" => machine.Line,
                    _ => null,
                };
                if (value is not null)
                {
                    arguments[property.Name] = value;
                }
            }
        }

        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
            {
                if (!arguments.ContainsKey(name))
                {
                    return (null, name);
                }
            }
        }

        return (arguments, null);
    }

    [GeneratedRegex(@"\b(?:classify|classification|diagnose|fault\s+class(?:ifier)?|run\s+the\s+classifier|condition\s+check|check\s+(?:the\s+)?condition)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Classify();

    [GeneratedRegex(@"\b(?:optimi[sz]e|optimi[sz]ation|(?:best|optimal|optimum|recommended)\s+(?:set\s?-?points?|settings|process\s+parameters))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Optimize();
}
