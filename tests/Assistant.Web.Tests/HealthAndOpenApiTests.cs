using System.Text.Json;

namespace Assistant.Web.Tests;

public sealed class HealthAndOpenApiTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    [Fact]
    public async Task Health_reports_the_index_the_model_and_the_classifiers()
    {
        using var client = factory.CreateClient();

        var health = await ApiAssert.OkAsync(await client.GetAsync("/api/v1/health"));
        var ready = await client.GetAsync("/api/v1/health/ready");

        Assert.True(health.GetProperty("live").GetBoolean());
        Assert.True(health.GetProperty("ready").GetBoolean());
        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.Matches(@"\d+ documents, \d+ passages", health.GetProperty("index").GetProperty("description").GetString());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("model").GetProperty("description").GetString()));
        Assert.False(string.IsNullOrEmpty(health.GetProperty("classifiers").GetProperty("description").GetString()));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/tickets/triage", "post", "TriageBody", "TriageResult")]
    [InlineData("/api/v1/incidents", "post", "IncidentBody", "IncidentRecorded")]
    [InlineData("/api/v1/ask", "post", "AskBody", "Answer")]
    [InlineData("/api/v1/feedback", "post", "FeedbackBody", "FeedbackRecorded")]
    [InlineData("/api/v1/health", "get", null, "HealthReport")]
    [InlineData("/api/v1/sources/{id}", "get", null, "SourceView")]
    public async Task The_openapi_document_lists_the_endpoint_with_its_schemas(string path, string method, string? request, string response)
    {
        using var client = factory.CreateClient();
        var document = await ApiAssert.OkAsync(await client.GetAsync("/openapi/v1.json"));

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        var responses = operation.GetProperty("responses");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var success = responses.EnumerateObject().First(r => r.Name.StartsWith('2')).Value;
        Assert.Equal($"#/components/schemas/{response}", SchemaRef(success));
        Assert.True(schemas.TryGetProperty(response, out var responseSchema));
        Assert.NotEmpty(responseSchema.GetProperty("properties").EnumerateObject());
        if (request is not null)
        {
            Assert.Equal($"#/components/schemas/{request}", SchemaRef(operation.GetProperty("requestBody")));
            Assert.NotEmpty(schemas.GetProperty(request).GetProperty("properties").EnumerateObject());
            foreach (var status in new[] { "400", "401", "403", "413", "429" })
            {
                Assert.True(responses.TryGetProperty(status, out _), $"{path} does not document {status}");
            }
        }
    }

    [Fact]
    public async Task The_openapi_document_declares_the_api_key_header()
    {
        using var client = factory.CreateClient();
        var document = await ApiAssert.OkAsync(await client.GetAsync("/openapi/v1.json"));

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
    }

    private static string? SchemaRef(JsonElement withContent) =>
        withContent.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
}
