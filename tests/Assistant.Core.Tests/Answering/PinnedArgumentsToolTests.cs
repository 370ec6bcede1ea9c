using System.Text.Json;
using Microsoft.Extensions.AI;
using Assistant.Core.Answering.Tools;

namespace Assistant.Core.Tests.Answering;

public sealed class PinnedArgumentsToolTests
{
    [Fact]
    public void The_named_machine_becomes_a_required_constant_and_the_rest_of_the_schema_stays()
    {
        var tool = AIFunctionFactory.Create(
            (string? machine, string? classifier, double[]? readings) => "ok",
            "classify_fault",
            "Classifies a machine's latest readings.");

        var pinned = new PinnedArgumentsTool(tool, new Dictionary<string, object?> { ["machine"] = "CNC-2", ["unknown"] = "x" });

        Assert.Equal("classify_fault", pinned.Name);
        Assert.Equal(tool.Description, pinned.Description);
        var properties = pinned.JsonSchema.GetProperty("properties");
        Assert.Equal("CNC-2", properties.GetProperty("machine").GetProperty("const").GetString());
        Assert.True(properties.TryGetProperty("readings", out _));
        Assert.False(properties.TryGetProperty("unknown", out _));
        var required = pinned.JsonSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("machine", required);
        Assert.Equal(JsonValueKind.Object, tool.JsonSchema.GetProperty("properties").GetProperty("machine").ValueKind);
        Assert.False(tool.JsonSchema.GetProperty("properties").GetProperty("machine").TryGetProperty("const", out _));
    }
}
