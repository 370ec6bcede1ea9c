using Assistant.Llama.Gguf;
using Assistant.Llama.Native;
using Microsoft.Extensions.Logging;

namespace Assistant.Llama;

/// <summary>A LoRA adapter loaded for a model, as the manifest describes it.</summary>
public sealed class LoadedAdapter
{
    internal LoadedAdapter(AdapterManifestEntry entry, string path, SafeLlamaAdapterHandle handle)
    {
        Entry = entry;
        Path = path;
        Handle = handle;
    }

    public AdapterManifestEntry Entry { get; }

    public string Path { get; }

    internal SafeLlamaAdapterHandle Handle { get; }
}

/// <summary>Raised for an adapter that cannot be used with the loaded model; the message says why and what to do.</summary>
public sealed class LoraAdapterException(string message) : Exception(message);

public static class LoraAdapterLoader
{
    /// <summary>Loads every adapter of the manifest in <paramref name="directory"/>; one that fails is logged and left out.</summary>
    public static IReadOnlyList<LoadedAdapter> LoadAll(LlamaModel model, string directory, ILogger logger, ICollection<string>? problems = null)
    {
        var manifestPath = System.IO.Path.Combine(directory, AdapterManifest.FileName);
        IReadOnlyList<AdapterManifestEntry> entries;
        try
        {
            entries = AdapterManifest.Read(manifestPath);
        }
        catch (InvalidDataException ex)
        {
            logger.LogError("Adapters not loaded: {Problem}", ex.Message);
            problems?.Add(ex.Message);
            return [];
        }

        var loaded = new List<LoadedAdapter>();
        foreach (var entry in entries)
        {
            try
            {
                loaded.Add(Load(model, entry, System.IO.Path.Combine(directory, entry.File)));
                logger.LogInformation("LoRA adapter '{Name}' ({Purpose}) loaded from {File}", entry.Name, entry.Purpose, entry.File);
            }
            catch (LoraAdapterException ex)
            {
                logger.LogError("LoRA adapter '{Name}' not loaded: {Problem}", entry.Name, ex.Message);
                problems?.Add(ex.Message);
            }
        }

        return loaded;
    }

    /// <exception cref="LoraAdapterException">Missing file, not an adapter, made for another model, or shapes that do not fit.</exception>
    public static LoadedAdapter Load(LlamaModel model, AdapterManifestEntry entry, string path)
    {
        var name = entry.Name;
        if (!string.Equals(entry.BaseModel, model.Name, StringComparison.Ordinal))
        {
            throw new LoraAdapterException(
                $"Adapter '{name}' was made for base model '{entry.BaseModel}', but the loaded model is '{model.Name}'. Use the adapter with its own base model, or train one for '{model.Name}'.");
        }

        GgufFile file;
        try
        {
            file = GgufFile.Read(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or IOException)
        {
            throw new LoraAdapterException($"Adapter '{name}': {ex.Message}");
        }

        if (file.FileType != "adapter" || file.GetString("adapter.type") != "lora")
        {
            throw new LoraAdapterException($"Adapter '{name}': {System.IO.Path.GetFileName(path)} is not a LoRA adapter (general.type = {file.FileType}, adapter.type = {file.GetString("adapter.type") ?? "none"}).");
        }

        if (file.Architecture != model.File.Architecture)
        {
            throw new LoraAdapterException($"Adapter '{name}' is for the {file.Architecture} architecture; the loaded model is {model.File.Architecture}.");
        }

        if (file.GetString("general.base_model.0.name") is { } declared && declared != model.Name)
        {
            throw new LoraAdapterException($"Adapter '{name}' says it was trained on '{declared}', but the loaded model is '{model.Name}'.");
        }

        CheckShapes(name, file, model.File);
        var handle = SafeLlamaAdapterHandle.Load(model.Handle, file.Path)
            ?? throw new LoraAdapterException($"Adapter '{name}': llama.cpp refused {System.IO.Path.GetFileName(path)}: {LlamaRuntime.TakeLastError() ?? "see the log"}.");
        return new LoadedAdapter(entry, file.Path, handle);
    }

    /// <summary>Every lora_a/lora_b pair must fit a matrix of the model, so llama.cpp never sees a mismatch.</summary>
    private static void CheckShapes(string name, GgufFile adapter, GgufFile model)
    {
        var modelTensors = model.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var adapterTensors = adapter.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var pairs = 0;
        foreach (var a in adapter.Tensors.Where(t => t.Name.EndsWith(".lora_a", StringComparison.Ordinal)))
        {
            var target = a.Name[..^".lora_a".Length];
            if (!adapterTensors.TryGetValue(target + ".lora_b", out var b))
            {
                throw new LoraAdapterException($"Adapter '{name}' has {a.Name} without its lora_b.");
            }

            if (!modelTensors.TryGetValue(target, out var weight))
            {
                throw new LoraAdapterException($"Adapter '{name}' changes {target}, which the loaded model does not have: it was made for another model.");
            }

            if (a.Dimensions.Count != 2 || b.Dimensions.Count != 2 || weight.Dimensions.Count < 2 ||
                a.Dimensions[0] != weight.Dimensions[0] || b.Dimensions[1] != weight.Dimensions[1] || a.Dimensions[1] != b.Dimensions[0])
            {
                throw new LoraAdapterException(
                    $"Adapter '{name}': {target} is [{string.Join(", ", weight.Dimensions)}] in the model, but the adapter's factors are [{string.Join(", ", a.Dimensions)}] and [{string.Join(", ", b.Dimensions)}]: it was made for a model of another size.");
            }

            pairs++;
        }

        if (pairs == 0)
        {
            throw new LoraAdapterException($"Adapter '{name}' holds no lora_a/lora_b tensors.");
        }
    }
}
