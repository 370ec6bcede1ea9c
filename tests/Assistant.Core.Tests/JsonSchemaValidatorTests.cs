using System.Text.Json;
using Assistant.Core.LanguageModel;

namespace Assistant.Core.Tests;

/// <summary>The one JSON-schema validator: tool arguments in the answer pipeline, grammar output in the llama.cpp tests.</summary>
public sealed class JsonSchemaValidatorTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {"type":"object","additionalProperties":false,"required":["machine"],
         "properties":{"machine":{"type":"string","enum":["CNC-1","CNC-2"]},
                       "window":{"type":"integer","minimum":1,"maximum":120},
                       "note":{"type":"string","maxLength":3},
                       "code":{"type":"string","pattern":"^[a-z]+$"},
                       "sensors":{"type":"array","items":{"type":"string"},"maxItems":2},
                       "step":{"$ref":"#/$defs/step"}},
         "$defs":{"step":{"type":"object","required":["name"],"properties":{"name":{"const":"lock out"}}}}}
        """).RootElement;

    private static IReadOnlyList<string> Validate(string json) => JsonSchemaValidator.Validate(Schema, JsonDocument.Parse(json).RootElement, "arguments");

    [Theory]
    [InlineData("""{"machine":"CNC-2"}""")]
    [InlineData("""{"machine":"CNC-2","window":30,"note":"ok","sensors":["spindle_temp"],"step":{"name":"lock out"}}""")]
    [InlineData("""{"machine":"CNC-1","window":30.0,"note":"😀😀","code":"abc"}""")]
    public void Arguments_that_follow_the_schema_pass(string arguments) =>
        Assert.Empty(Validate(arguments));

    [Theory]
    [InlineData("""{"machine":"CNC-2","window":0}""", "arguments.window must be at least 1, not 0.")]
    [InlineData("""{"machine":"CNC-2","window":2.5}""", "arguments.window must be of type integer, not the number 2.5.")]
    [InlineData("""{"machine":"CNC-9"}""", "arguments.machine must be one of [\"CNC-1\",\"CNC-2\"], not \"CNC-9\".")]
    [InlineData("""{"machine":42}""", "arguments.machine must be of type string, not the number 42.")]
    [InlineData("""{}""", "arguments.machine is required.")]
    [InlineData("""{"machine":"CNC-2","force":true}""", "arguments.force is not allowed here (allowed: machine, window, note, code, sensors, step).")]
    [InlineData("""{"machine":"CNC-2","sensors":["spindle_temp",3]}""", "arguments.sensors[1] must be of type string, not the number 3.")]
    [InlineData("""{"machine":"CNC-2","sensors":["a","b","c"]}""", "arguments.sensors allows at most 2 items, not 3.")]
    [InlineData("""{"machine":"CNC-2","note":"abcd"}""", "arguments.note must be at most 3 characters long, not 4.")]
    [InlineData("""{"machine":"CNC-2","code":"AB"}""", "arguments.code must match the pattern ^[a-z]+$.")]
    [InlineData("""{"machine":"CNC-2","step":{"name":"skip it"}}""", "arguments.step.name must be \"lock out\", not \"skip it\".")]
    public void Each_problem_names_the_argument_and_what_would_be_valid(string arguments, string expected) =>
        Assert.Equal([expected], Validate(arguments));

    [Fact]
    public void A_reference_the_schema_does_not_define_is_reported_not_skipped()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}""").RootElement;

        Assert.Equal(["$.a: the schema refers to #/$defs/missing, which it does not define."], JsonSchemaValidator.Validate(schema, JsonDocument.Parse("""{"a":1}""").RootElement));
    }
}
