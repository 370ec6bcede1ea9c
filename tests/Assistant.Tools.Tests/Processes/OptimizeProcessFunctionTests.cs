using System.Text.Json;
using Assistant.Tools.Processes;
using Microsoft.Extensions.AI;
using Xunit;

namespace Assistant.Tools.Tests.Processes;

public sealed class OptimizeProcessFunctionTests
{
    private readonly OptimizeProcessFunction _tool = new(ProcessTestData.Optimizer());

    [Fact]
    public void Schema_is_closed_and_enumerates_the_loaded_processes()
    {
        var schema = _tool.JsonSchema;

        Assert.Equal("optimize_process", _tool.Name);
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["process"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var processes = schema.GetProperty("properties").GetProperty("process").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["batch-reactor-coupling-agent", "injection-moulding-cover"], processes);
        var fixedItem = schema.GetProperty("properties").GetProperty("fixed").GetProperty("items");
        Assert.False(fixedItem.GetProperty("additionalProperties").GetBoolean());
        Assert.Contains("temperature", fixedItem.GetProperty("properties").GetProperty("variable").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("cooling_time 12–25 s", _tool.Description);
        Assert.Equal("boolean", schema.GetProperty("properties").GetProperty("within_data").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Call_with_JSON_arguments_returns_optimal_and_current_setpoints()
    {
        // Arguments as the answer pipeline passes them: JSON values parsed from the model's tool call.
        var call = JsonDocument.Parse("""
            { "process": "batch-reactor-coupling-agent", "objective": "margin",
              "fixed": [ { "variable": "feed_ratio", "value": 1.1 } ],
              "bounds": [ { "variable": "temperature", "max": 95 } ] }
            """).RootElement;
        var arguments = new AIFunctionArguments(call.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value));

        var result = Assert.IsType<JsonElement>(await _tool.InvokeAsync(arguments));

        Assert.Equal("batch-reactor-coupling-agent", result.GetProperty("process").GetString());
        Assert.Equal("maximize", result.GetProperty("objective").GetProperty("sense").GetString());
        var feed = result.GetProperty("setpoints").EnumerateArray().Single(s => s.GetProperty("variable").GetString() == "feed_ratio");
        Assert.Equal(1.1, feed.GetProperty("optimal").GetDouble());
        Assert.Equal(1.2, feed.GetProperty("current").GetDouble());
        var temperature = result.GetProperty("setpoints").EnumerateArray().Single(s => s.GetProperty("variable").GetString() == "temperature");
        Assert.InRange(temperature.GetProperty("optimal").GetDouble(), 60, 95);
    }

    [Fact]
    public async Task Bounds_outside_safe_limits_come_back_as_a_clear_error()
    {
        var arguments = new AIFunctionArguments(new Dictionary<string, object?>
        {
            ["process"] = "injection-moulding-cover",
            ["bounds"] = JsonDocument.Parse("""[ { "variable": "melt_temperature", "min": 250 } ]""").RootElement,
        });

        var error = await Assert.ThrowsAsync<ProcessOptimizationException>(async () => await _tool.InvokeAsync(arguments));

        Assert.Equal(ProcessOptimizationError.OutsideSafeLimits, error.Error);
        Assert.Contains("melt_temperature lower bound 250 °C is below its safe minimum 270 °C", error.Message);
    }

    [Theory]
    [InlineData("""{ "objective": "yield" }""", "'process' is required")]
    [InlineData("""{ "process": "batch-reactor-coupling-agent", "temperature": 80 }""", "unknown argument 'temperature'")]
    [InlineData("""{ "process": "batch-reactor-coupling-agent", "fixed": [ { "variable": "temperature", "value": "hot" } ] }""", "must be a number")]
    public void Malformed_arguments_are_refused_with_what_is_wrong(string json, string expected)
    {
        var arguments = JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);

        var error = Assert.Throws<ProcessOptimizationException>(() => OptimizeProcessFunction.ParseArguments(arguments));

        Assert.Equal(ProcessOptimizationError.InvalidRequest, error.Error);
        Assert.Contains(expected, error.Message);
    }
}
