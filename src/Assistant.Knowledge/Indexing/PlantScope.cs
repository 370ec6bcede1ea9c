using Assistant.Core.Plant;
using Assistant.Knowledge.Chunking;
using Assistant.Knowledge.Reading;

namespace Assistant.Knowledge.Indexing;

/// <summary>
/// Which machines, machine types and lines a passage is about, for the machine and line filters. An incident names its
/// machine; a manual says so in its front matter or is named as a machine's manual in <c>plant.json</c>.
/// A passage with no scope is plant-wide and passes every machine filter.
/// </summary>
public sealed class PlantScope(PlantLayout plant)
{
    public PlantLayout Plant => plant;

    /// <summary>The scope of a manual, the same for all its passages, with the machine and line to show on them.</summary>
    public (HashSet<string> Scope, string? Machine, string? Line) ForDocument(string source, ParsedDocument document)
    {
        var scope = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var fields = document.Fields;
        var named = SplitList(fields.GetValueOrDefault("machines") ?? fields.GetValueOrDefault("machine"));
        var type = fields.GetValueOrDefault("machine_type");
        var lines = SplitList(fields.GetValueOrDefault("line") ?? fields.GetValueOrDefault("lines"));

        var covered = plant.Machines.Where(m =>
            string.Equals(m.Manual, source, StringComparison.OrdinalIgnoreCase) ||
            (type is not null && string.Equals(m.Type, type, StringComparison.OrdinalIgnoreCase)) ||
            named.Contains(m.Id, StringComparer.OrdinalIgnoreCase)).ToList();

        foreach (var machine in covered)
        {
            scope.Add(machine.Id);
            scope.Add(machine.Line);
            scope.Add(machine.Type);
        }

        scope.UnionWith(named);
        scope.UnionWith(lines);
        if (type is not null)
        {
            scope.Add(type);
        }

        var machineLabel = named.Count > 0 ? string.Join(", ", named)
            : covered.Count > 0 ? string.Join(", ", covered.Select(m => m.Id))
            : type;
        var lineLabel = lines.Count > 0 ? string.Join(", ", lines)
            : covered.Count > 0 ? string.Join(", ", covered.Select(m => m.Line).Distinct(StringComparer.OrdinalIgnoreCase))
            : null;
        return (scope, machineLabel, lineLabel);
    }

    /// <summary>The scope of one record: its machine, that machine's line and type, and its own line.</summary>
    public HashSet<string> ForRecord(Chunk chunk)
    {
        var scope = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in SplitList(chunk.Machine))
        {
            scope.Add(id);
            if (plant.FindMachine(id) is { } machine)
            {
                scope.Add(machine.Line);
                scope.Add(machine.Type);
            }
        }

        scope.UnionWith(SplitList(chunk.Line));
        return scope;
    }

    private static List<string> SplitList(string? value) =>
        value is null ? [] : value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
