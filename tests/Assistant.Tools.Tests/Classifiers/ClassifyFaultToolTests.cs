using System.Text.Json;
using Assistant.Tools.Classifiers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assistant.Tools.Tests.Classifiers;

/// <summary>The classify_fault tool as the answer pipeline finds it: an AIFunction in DI, JSON arguments in, a result record out.</summary>
public sealed class ClassifyFaultToolTests : IDisposable
{
    private readonly ServiceProvider _services = ClassifierTestEnvironment.Services();

    private AIFunction Tool => Assert.Single(_services.GetServices<AIFunction>(), f => f.Name == "classify_fault");

    [Theory]
    [InlineData("CNC-1", "none", true)]
    [InlineData("CNC-2", "heat_dissipation", false)]
    [InlineData("CNC-3", "overstrain", false)]
    public async Task Machine_id_classifies_its_latest_readings(string machine, string expected, bool normal)
    {
        var result = Assert.IsType<FaultClassification>(await Tool.InvokeAsync(Arguments(new { machine })));

        Assert.Equal("milling-failure", result.Classifier);
        Assert.Equal("1.0.0", result.Version);
        Assert.Equal(machine, result.Machine);
        Assert.NotNull(result.ReadAt);
        var target = Assert.Single(result.Results);
        Assert.Equal(expected, target.TopClass);
        Assert.Equal(normal, target.IsNormal);
        Assert.Equal(6, target.Probabilities.Count);
        Assert.Equal(1.0, target.Probabilities.Sum(p => p.Probability), 2);
        Assert.Equal(target.Probability, target.Probabilities.Max(p => p.Probability));
        Assert.Equal(6, target.Contributions.Count);
    }

    [Fact]
    public async Task Heat_dissipation_is_explained_by_the_temperatures_and_speed()
    {
        var result = (FaultClassification)(await Tool.InvokeAsync(Arguments(new { machine = "CNC-2" })))!;

        var top = result.Results[0].Contributions.Take(3).Select(c => c.Feature).ToArray();
        Assert.Contains(top, f => f is "air_temperature" or "process_temperature" or "rotational_speed");
        Assert.True(result.Results[0].Contributions[0].Contribution > 0.05, $"largest contribution {result.Results[0].Contributions[0]}");
    }

    [Fact]
    public async Task Hydraulic_press_gets_one_result_per_component()
    {
        var healthy = (FaultClassification)(await Tool.InvokeAsync(Arguments(new { machine = "HP-1" })))!;
        var fouled = (FaultClassification)(await Tool.InvokeAsync(Arguments(new { machine = "hp-2" })))!;

        Assert.Equal(["cooler", "valve", "pump_leakage", "accumulator"], healthy.Results.Select(r => r.Target));
        Assert.All(healthy.Results, r => Assert.True(r.IsNormal, $"{r.Target}: {r.TopClass}"));
        Assert.Equal("cooler_reduced", fouled.Results[0].TopClass);
        Assert.Equal("HP-2", fouled.Machine);
    }

    [Fact]
    public async Task Explicit_readings_with_a_unit_are_converted_and_reported()
    {
        var result = (FaultClassification)(await Tool.InvokeAsync(Arguments(new
        {
            classifier = "milling-failure",
            readings = new object[]
            {
                new { name = "product_quality", value = 1 },
                new { name = "air_temperature", value = 25.0, unit = "°C" },
                new { name = "process_temperature", value = 308.9, unit = "K" },
                new { name = "rotational_speed", value = 1500 },
                new { name = "torque", value = 40 },
                new { name = "tool_wear", value = 10 },
            },
        })))!;

        var air = result.Readings.Single(r => r.Name == "air_temperature");
        Assert.Equal(298.15, air.Value, 6);
        Assert.Equal("25 °C", air.ConvertedFrom);
        Assert.Equal("none", result.TopClass);
        Assert.Equal("given readings", result.ReadingsSource);
    }

    [Fact]
    public async Task Every_problem_with_the_readings_is_listed_in_one_error()
    {
        var error = await Assert.ThrowsAsync<ReadingsProblemException>(async () => await Tool.InvokeAsync(Arguments(new
        {
            classifier = "milling-failure",
            readings = new object[]
            {
                new { name = "product_quality", value = 1.5 },
                new { name = "air_temperature", value = 25.0 },
                new { name = "process_temperature", value = 310, unit = "F" },
                new { name = "rotational_speed", value = 90000 },
                new { name = "spindle_load", value = 3 },
            },
        })));

        Assert.Contains(error.Problems, p => p.Contains("product_quality is 1.5, not a category code", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("air_temperature = 25 K is outside the valid range", StringComparison.Ordinal)
            && p.Contains("looks like a value in °C", StringComparison.Ordinal) && p.Contains("298.15", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("process_temperature is given in 'F'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("rotational_speed = 90000 rpm is outside", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'spindle_load' is not a reading", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("torque is missing", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("tool_wear is missing", StringComparison.Ordinal));
        Assert.Equal(7, error.Problems.Count);
        Assert.Contains("(7)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nan_and_infinity_are_refused_by_name()
    {
        var service = _services.GetRequiredService<FaultClassificationService>();

        var error = Assert.Throws<ReadingsProblemException>(() => service.Classify("CNC-1", null, [new ReadingInput("torque", double.NaN), new ReadingInput("tool_wear", double.PositiveInfinity)]));

        Assert.Contains(error.Problems, p => p.StartsWith("torque is NaN, not a number", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("tool_wear is ∞, not a number", StringComparison.Ordinal) || p.StartsWith("tool_wear is Infinity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_readings_replace_the_machines_snapshot_values()
    {
        var result = (FaultClassification)(await Tool.InvokeAsync(Arguments(new
        {
            machine = "CNC-1",
            readings = new object[] { new { name = "tool_wear", value = 230 }, new { name = "torque", value = 60 } },
        })))!;

        Assert.Equal(230, result.Readings.Single(r => r.Name == "tool_wear").Value);
        Assert.NotEqual("none", result.TopClass);
        Assert.Contains("with given values", result.ReadingsSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_machine_or_machine_without_classifier_says_what_exists()
    {
        var unknown = await Assert.ThrowsAsync<ArgumentException>(async () => await Tool.InvokeAsync(Arguments(new { machine = "CNC-9" })));
        Assert.Contains("CNC-1", unknown.Message, StringComparison.Ordinal);

        var none = await Assert.ThrowsAsync<ArgumentException>(async () => await Tool.InvokeAsync(Arguments(new { machine = "RC-1" })));
        Assert.Contains("has no fault classifier", none.Message, StringComparison.Ordinal);

        var nothing = await Assert.ThrowsAsync<ArgumentException>(async () => await Tool.InvokeAsync(new AIFunctionArguments()));
        Assert.Contains("Name a machine", nothing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_is_plain_json_schema_with_the_loaded_machines_and_classifiers()
    {
        var schema = Tool.JsonSchema;

        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        var properties = schema.GetProperty("properties");
        Assert.Equal(["CNC-1", "CNC-2", "CNC-3", "HP-1", "HP-2"], properties.GetProperty("machine").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.Equal(["hydraulic-condition", "milling-failure"], properties.GetProperty("classifier").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var item = properties.GetProperty("readings").GetProperty("items");
        Assert.Equal(["name", "value"], item.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("number", item.GetProperty("properties").GetProperty("value").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Result_serialises_to_json_the_ui_can_render()
    {
        var result = await Tool.InvokeAsync(Arguments(new { machine = "CNC-3" }));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(result, Tool.JsonSerializerOptions));
        Assert.Equal("overstrain", json.RootElement.GetProperty("topClass").GetString());
        Assert.Equal(6, json.RootElement.GetProperty("results")[0].GetProperty("probabilities").GetArrayLength());
    }

    [Fact]
    public void Batch_of_rows_gives_the_same_answer_as_one_row_at_a_time()
    {
        var service = _services.GetRequiredService<FaultClassificationService>();
        var snapshot = _services.GetRequiredService<ReadingsSnapshot>();
        var rows = new[] { "CNC-1", "CNC-2", "CNC-3" }.Select(m => snapshot.Latest(m)!.Readings).ToArray();

        var batch = service.ClassifyBatch("milling-failure", rows);

        Assert.Equal(["none", "heat_dissipation", "overstrain"], batch.Select(b => b.TopClass));
        Assert.Equal(service.Classify("CNC-2", null, null).Results[0].Probabilities, batch[1].Results[0].Probabilities);
    }

    [Fact]
    public void Snapshot_keeps_the_newest_reading_per_machine_and_feature()
    {
        var path = Path.Combine(Path.GetTempPath(), $"readings-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path,
        [
            "machine,read_at,feature,value,unit",
            "CNC-1,2025-11-24T08:00:00Z,torque,40,Nm",
            "CNC-1,2025-11-24T09:00:00Z,torque,55,Nm",
            "CNC-1,2025-11-24T07:00:00Z,torque,30,Nm",
            "CNC-1,2025-11-24T09:00:00Z,product_quality,H,",
        ]);
        try
        {
            var snapshot = new ReadingsSnapshot(path, (_, text) => text == "H" ? 2 : null);

            var latest = snapshot.Latest("cnc-1")!;

            Assert.Equal(55, latest.Readings.Single(r => r.Name == "torque").Value);
            Assert.Equal(2, latest.Readings.Single(r => r.Name == "product_quality").Value);
            Assert.Equal(new DateTimeOffset(2025, 11, 24, 9, 0, 0, TimeSpan.Zero), latest.ReadAt);
            Assert.Null(snapshot.Latest("CNC-2"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static AIFunctionArguments Arguments(object value)
    {
        // As the model's tool call arrives: parsed JSON.
        var element = JsonSerializer.SerializeToElement(value);
        var arguments = new AIFunctionArguments();
        foreach (var property in element.EnumerateObject())
        {
            arguments[property.Name] = property.Value;
        }

        return arguments;
    }

    public void Dispose() => _services.Dispose();
}
