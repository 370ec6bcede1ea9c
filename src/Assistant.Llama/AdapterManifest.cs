using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assistant.Llama;

/// <summary>One LoRA adapter as <c>models/adapters/adapters.json</c> lists it.</summary>
/// <param name="Name">What requests call it, e.g. <c>maintenance</c>.</param>
/// <param name="File">The adapter GGUF, relative to the manifest's folder.</param>
/// <param name="BaseModel">The <c>general.name</c> of the model it was trained on; another model refuses it.</param>
/// <param name="DefaultScale">The scale to use when a caller asks for the adapter without one.</param>
/// <param name="Purpose">What it specialises in, e.g. <c>maintenance</c> or <c>quality</c>.</param>
public sealed record AdapterManifestEntry(
    string Name,
    string File,
    string BaseModel,
    float DefaultScale = 1.0f,
    string Purpose = "",
    string Description = "");

/// <summary>Reads and writes <c>adapters.json</c>.</summary>
public static class AdapterManifest
{
    public const string FileName = "adapters.json";

    private const string Comment =
        "LoRA adapters for the plant's language model. Each entry: name (what requests ask for), file (GGUF next to " +
        "this manifest), baseModel (general.name of the model it was trained on: any other model refuses it), " +
        "defaultScale, purpose (maintenance, quality, ...). Adapters load at startup; a request selects them by name " +
        "with ChatOptions.AdditionalProperties[\"adapters\"] = { name: scale }.";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    /// <returns>The entries; none when the file does not exist.</returns>
    /// <exception cref="InvalidDataException">The manifest is not valid JSON or an entry lacks a name, file or base model.</exception>
    public static IReadOnlyList<AdapterManifestEntry> Read(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            return [];
        }

        ManifestDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ManifestDocument>(System.IO.File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid adapter manifest: {ex.Message}", ex);
        }

        var entries = document?.Adapters ?? [];
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry.Name) || string.IsNullOrWhiteSpace(entry.File) || string.IsNullOrWhiteSpace(entry.BaseModel))
            {
                throw new InvalidDataException($"{path}: every adapter needs a name, a file and a baseModel; '{entry.Name}' lacks one.");
            }
        }

        var duplicate = entries.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{path}: the adapter name '{duplicate.Key}' is listed twice.");
        }

        return entries;
    }

    public static void Write(string path, IReadOnlyList<AdapterManifestEntry> entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        System.IO.File.WriteAllText(path, JsonSerializer.Serialize(new ManifestDocument(Comment, [.. entries]), Json) + "\n");
    }

    private sealed record ManifestDocument(
        [property: JsonPropertyName("$comment")] string? Comment,
        List<AdapterManifestEntry>? Adapters);
}
