using Assistant.Core.Answering;
using Assistant.Core.Security;
using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;

namespace Assistant.Core.Answering.Retrieval;

/// <summary>What the plant layout says about the machine or line a question is about.</summary>
public static class PlantContext
{
    /// <summary>The retrieval filter for the request: its machine or line, inside the lines the asker may see.</summary>
    public static SearchFilter? FilterFor(AskRequest request, PlantLayout plant) => FilterFor(request.Machine, plant, request.Scope);

    /// <summary>The retrieval filter for a machine or line (a line id filters by line), inside the scope's lines.</summary>
    public static SearchFilter? FilterFor(string? machineOrLine, PlantLayout plant, AccessScope? scope = null)
    {
        var visible = scope?.Lines;
        if (string.IsNullOrWhiteSpace(machineOrLine))
        {
            return visible is null ? null : new SearchFilter(VisibleLines: visible);
        }

        var filter = plant.FindLine(machineOrLine) is { } line && plant.FindMachine(machineOrLine) is null
            ? new SearchFilter(Line: line.Id)
            : new SearchFilter(Machine: plant.FindMachine(machineOrLine)?.Id ?? machineOrLine.Trim());
        return filter with { VisibleLines = visible };
    }

    /// <summary>The machine the question names (its id as a whole word), else the request's machine.</summary>
    public static PlantMachine? MachineOf(string question, string? requestMachine, PlantLayout plant)
    {
        foreach (var machine in plant.Machines.OrderByDescending(m => m.Id.Length))
        {
            if (Regex.IsMatch(question, $@"(?<![\w-]){Regex.Escape(machine.Id)}(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
            {
                return machine;
            }
        }

        return requestMachine is null ? null : plant.FindMachine(requestMachine);
    }

    /// <summary>One line for the prompt: which machine or line the user is at, and what watches it.</summary>
    public static string Describe(string? machineOrLine, PlantLayout plant)
    {
        if (string.IsNullOrWhiteSpace(machineOrLine))
        {
            return "The user did not name a machine.";
        }

        if (plant.FindMachine(machineOrLine) is { } machine)
        {
            var line = plant.FindLine(machine.Line);
            var parts = new List<string> { $"{machine.Type}{(machine.Model is null ? "" : $" ({machine.Model})")} on line {machine.Line}{(line is null ? "" : $" ({line.Name})")}" };
            if (machine.Classifier is not null)
            {
                parts.Add($"fault classifier: {machine.Classifier}");
            }

            if (machine.Process is not null)
            {
                parts.Add($"process model: {machine.Process}");
            }

            return $"The user is at machine {machine.Id}: {string.Join("; ", parts)}.";
        }

        if (plant.FindLine(machineOrLine) is { } productionLine)
        {
            var machines = plant.Machines.Where(m => string.Equals(m.Line, productionLine.Id, StringComparison.OrdinalIgnoreCase)).Select(m => m.Id);
            return $"The user is on line {productionLine.Id} ({productionLine.Name}) with machines {string.Join(", ", machines)}.";
        }

        return $"The user is at machine {machineOrLine.Trim()}.";
    }
}
