using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assistant.Core.Plant;

public sealed record ProductionLine(string Id, string Name, string? Description = null);

/// <param name="Manual">Manual path relative to the knowledge root.</param>
/// <param name="Classifier">Name of the fault classifier that watches this machine, if any.</param>
/// <param name="Process">Name of the process model that describes this machine, if any.</param>
public sealed record PlantMachine(
    string Id,
    string Line,
    string Type,
    string? Model = null,
    string? Manual = null,
    string? Classifier = null,
    string? Process = null);

/// <summary>The plant's lines and machines, from <c>knowledge/plant.json</c>: an engineer edits it when a machine is added.</summary>
public sealed record PlantLayout(string Plant, IReadOnlyList<ProductionLine> Lines, IReadOnlyList<PlantMachine> Machines)
{
    public static readonly PlantLayout Empty = new("", [], []);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public PlantMachine? FindMachine(string id) =>
        Machines.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));

    public ProductionLine? FindLine(string id) =>
        Lines.FirstOrDefault(l => string.Equals(l.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a layout file; a missing file is an empty plant, a malformed one an error naming the file.</summary>
    public static PlantLayout Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<PlantLayout>(stream, JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid plant layout: {ex.Message}", ex);
        }
    }
}
