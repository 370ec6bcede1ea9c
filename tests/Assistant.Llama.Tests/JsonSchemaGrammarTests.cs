using System.Text.Json;
using Assistant.Core.LanguageModel;
using Assistant.Llama.Grammar;
using Assistant.Llama.Inference;

namespace Assistant.Llama.Tests;

[Collection(TestModelCollection.Name)]
public sealed class JsonSchemaGrammarTests(TestModelFixture fixture)
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private async Task<string> GenerateAsync(string grammar, uint seed)
    {
        var prompt = fixture.Model.Tokenize(fixture.Model.ApplyChatTemplate([("user", "JSON please")]), true, true);
        var (text, finish) = await fixture.GenerateAsync(new GenerationRequest(prompt) { Grammar = grammar, Sampling = new SamplingSettings(1.0f, 0, 1.0f, seed), MaxTokens = 600 });
        Assert.Equal(GenerationFinishReason.Stop, finish.Reason);
        return text;
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string","maxLength":5}}}""")]
    [InlineData("""{"type":"array","items":{"type":"boolean"},"minItems":2,"maxItems":4}""")]
    [InlineData("""{"type":["string","null"],"maxLength":4}""")]
    [InlineData("""{"anyOf":[{"type":"integer","minimum":0},{"const":{"mode":"auto","limits":[1,2]}}]}""")]
    [InlineData("""{"type":"object","properties":{"step":{"$ref":"#/$defs/step"}},"required":["step"],"$defs":{"step":{"type":"object","properties":{"name":{"enum":["lock out","tag out"]},"next":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/step"}]}},"required":["name","next"]}}}""")]
    [InlineData("""{"type":"object","properties":{"temperature":{"type":"number"},"ok":{"type":"boolean"}},"required":["temperature","ok"]}""")]
    public async Task Generated_output_follows_the_schema(string schemaJson)
    {
        var schema = Parse(schemaJson);
        var grammar = JsonSchemaGrammar.FromSchema(schema);
        for (uint seed = 1; seed <= 4; seed++)
        {
            var text = await GenerateAsync(grammar, seed);
            var value = JsonDocument.Parse(text).RootElement;
            Assert.True(JsonSchemaValidator.Validate(schema, value).Count == 0, $"{text}\n{grammar}");
        }
    }

    [Fact]
    public void Object_with_only_optional_properties_allows_any_subset_in_order()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Parse("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}}}"""));
        Assert.Contains("root-value-members ::= ( \"\\\"a\\\"\" ws \":\" ws integer ( \",\" ws \"\\\"b\\\"\" ws \":\" ws integer )? ) | ( \"\\\"b\\\"\" ws \":\" ws integer )", grammar);
    }

    [Fact]
    public void Small_integer_ranges_are_enumerated_exactly()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Parse("""{"type":"integer","minimum":-1,"maximum":2}"""));
        Assert.Contains("root ::= \"-1\" | \"0\" | \"1\" | \"2\"", grammar.Replace("root ::= root-value\nroot-value ::= ", "root ::= ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"type":"object","required":["x"],"properties":{}}""", "'x' is required")]
    [InlineData("""{"type":"fraction"}""", "not a JSON schema type")]
    [InlineData("""{"$ref":"https://example.org/schema.json"}""", "local references")]
    [InlineData("""{"enum":[]}""", "non-empty")]
    public void Unsupported_schemas_are_refused_with_the_reason(string schemaJson, string reason)
    {
        var error = Assert.Throws<JsonSchemaNotSupportedException>(() => JsonSchemaGrammar.FromSchema(Parse(schemaJson)));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Validator_reports_what_the_grammar_cannot_enforce()
    {
        var schema = Parse("""{"type":"object","properties":{"t":{"type":"number","minimum":0,"maximum":100}},"required":["t"]}""");
        Assert.Empty(JsonSchemaValidator.Validate(schema, Parse("""{"t":20.5}""")));
        Assert.Equal(["$.t must be at most 100, not 120."], JsonSchemaValidator.Validate(schema, Parse("""{"t":120}""")));
        Assert.Equal(["$.t is required."], JsonSchemaValidator.Validate(schema, Parse("""{"u":1}""")));
    }
}
