using System.Text.Json;
using System.Text.Json.Nodes;
using Assistant.Tools.Classifiers;
using Xunit;

namespace Assistant.Tools.Tests.Classifiers;

/// <summary>A manifest that does not fit its model is refused with a message naming the mismatch; the others still load.</summary>
public sealed class RegistryTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"classifiers-{Guid.NewGuid():N}");

    public RegistryTests()
    {
        Directory.CreateDirectory(_folder);
        foreach (var file in Directory.EnumerateFiles(ClassifierTestEnvironment.ClassifierFolder))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
    }

    [Fact]
    public void Manifest_with_a_feature_too_few_is_refused_and_the_other_classifier_loads()
    {
        Edit("milling-failure", m => ((JsonArray)m["features"]!).RemoveAt(5));

        using var registry = new FaultClassifierRegistry(_folder);

        var problem = Assert.Single(registry.Problems);
        Assert.Contains("milling-failure.json does not match its model", problem.Message, StringComparison.Ordinal);
        Assert.Contains("lists 5 features", problem.Message, StringComparison.Ordinal);
        Assert.Null(registry.Find("milling-failure"));
        Assert.NotNull(registry.Find("hydraulic-condition"));
        var error = Assert.Throws<ArgumentException>(() => registry.Get("milling-failure"));
        Assert.Contains("Refused at startup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_with_a_class_too_many_is_refused()
    {
        Edit("hydraulic-condition", m => ((JsonArray)m["targets"]![0]!["classes"]!).Add(new JsonObject
        {
            ["code"] = 50,
            ["label"] = "cooler_half",
            ["meaning"] = "Half efficiency.",
        }));

        using var registry = new FaultClassifierRegistry(_folder);

        var problem = Assert.Single(registry.Problems);
        Assert.Contains("target 'cooler': the model gives 3 class probabilities, the manifest lists 4 classes", problem.Message, StringComparison.Ordinal);
        Assert.NotNull(registry.Find("milling-failure"));
    }

    [Fact]
    public void Renamed_output_feature_order_and_version_mismatches_are_each_named()
    {
        Edit("milling-failure", m =>
        {
            m["targets"]![0]!["probabilitiesOutput"] = "output_probability";
            m["version"] = "9.9.9";
            var features = (JsonArray)m["features"]!;
            var first = features[0]!.DeepClone();
            features[0] = features[1]!.DeepClone();
            features[1] = first;
        });

        using var registry = new FaultClassifierRegistry(_folder);

        var message = Assert.Single(registry.Problems).Message;
        Assert.Contains("no output 'output_probability'", message, StringComparison.Ordinal);
        Assert.Contains("the model's version is '1.0.0', the manifest says '9.9.9'", message, StringComparison.Ordinal);
        Assert.Contains("feature order", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_model_file_is_refused_with_orts_message_and_the_process_carries_on()
    {
        File.WriteAllBytes(Path.Combine(_folder, "milling-failure.onnx"), [0x08, 0x07, 0xFF, 0xFF, 0x12, 0x40, 0x01]);

        using var registry = new FaultClassifierRegistry(_folder);

        var problem = Assert.Single(registry.Problems);
        Assert.Contains("Protobuf parsing failed", problem.Message, StringComparison.Ordinal);
        Assert.NotNull(registry.Find("hydraulic-condition"));
    }

    [Fact]
    public void Manifest_that_is_not_json_or_has_no_model_is_refused()
    {
        File.WriteAllText(Path.Combine(_folder, "broken.json"), "{ not json");
        File.WriteAllText(Path.Combine(_folder, "orphan.json"), File.ReadAllText(Path.Combine(_folder, "milling-failure.json")).Replace("\"milling-failure\"", "\"orphan\"").Replace("milling-failure.onnx", "orphan.onnx"));

        using var registry = new FaultClassifierRegistry(_folder);

        Assert.Equal(2, registry.Problems.Count);
        Assert.Contains(registry.Problems, p => p.File.EndsWith("broken.json", StringComparison.Ordinal) && p.Message.Contains("not a valid classifier manifest", StringComparison.Ordinal));
        Assert.Contains(registry.Problems, p => p.Message.Contains("orphan.onnx", StringComparison.Ordinal));
        Assert.Equal(2, registry.Classifiers.Count);
    }

    private void Edit(string name, Action<JsonNode> change)
    {
        var path = Path.Combine(_folder, $"{name}.json");
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        change(node);
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
