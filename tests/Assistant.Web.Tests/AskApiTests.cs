using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Assistant.Web.Tests;

public sealed class AskApiTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    [Fact]
    public async Task A_fault_code_question_is_answered_from_the_manual_with_citations_that_resolve()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/ask", new { question = "What does fault E-217 mean and what do I check first?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("retrieval-only", answer.GetProperty("mode").GetString());
        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        Assert.Contains(citations, c => c.GetProperty("section").GetString()!.Contains("E-217", StringComparison.Ordinal));
        var text = answer.GetProperty("text").GetString()!;
        Assert.Contains("[1]", text);

        var first = citations[0];
        var source = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{Uri.EscapeDataString(first.GetProperty("passageId").GetString()!)}");
        Assert.Equal(first.GetProperty("source").GetString(), source.GetProperty("source").GetString());
        Assert.False(string.IsNullOrWhiteSpace(source.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_machine_filter_keeps_the_answer_to_that_machine()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/ask", new { question = "hydraulic oil too hot", machine = "HP-2", topK = 8 });

        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sources = answer.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("source").GetString()).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.DoesNotContain("cnc", s!, StringComparison.OrdinalIgnoreCase));
        Assert.All(sources, s => Assert.DoesNotContain("moulding", s!, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("""{"question": ""}""", "question")]
    [InlineData("""{"question": "   "}""", "question")]
    [InlineData("""{"machine": "HP-1"}""", "question")]
    [InlineData("""{"question": "E-217?", "machine": "LATHE-9"}""", "machine")]
    [InlineData("""{"question": "E-217?", "topK": 0}""", "topK")]
    [InlineData("""{"question": "E-217?", "topK": 500}""", "topK")]
    [InlineData("""{"question": "E-217?", "role": "manager"}""", "$.role")]
    [InlineData("""{"question": 42}""", "$.question")]
    [InlineData("""{"question": "E-217?", "colour": "red"}""", "$")]
    [InlineData("""{"question": "E-217?" """, "$")]
    public async Task A_bad_request_is_a_400_problem_naming_the_field(string body, string field)
    {
        var response = await _client.PostAsync("/api/v1/ask", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(
            errors.EnumerateObject().Any(e => e.Name.StartsWith(field, StringComparison.OrdinalIgnoreCase)),
            $"expected an error for '{field}' in {errors}");
        Assert.All(errors.EnumerateObject(), e => Assert.False(string.IsNullOrWhiteSpace(e.Value[0].GetString())));
    }

    [Fact]
    public async Task An_over_long_question_is_refused_with_the_limit()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/ask", new { question = new string('x', 2001) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("2000", problem.GetProperty("errors").GetProperty("question")[0].GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await _client.PostAsync("/api/v1/ask", new StringContent("question=E-217", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_source_is_a_404_problem()
    {
        var response = await _client.GetAsync("/api/v1/sources/no-such-passage");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("no-such-passage", problem.GetProperty("detail").GetString());
    }
}
