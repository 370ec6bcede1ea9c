using System.Net;
using System.Text.Json;
using Assistant.Web.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

public sealed class FeedbackAndStreamTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    private async Task<string> AskAsync(string question = "What does fault E-217 mean?")
    {
        var answer = await ApiAssert.OkAsync(await _client.PostJsonAsync("/api/v1/ask", new { question }));
        return answer.GetProperty("id").GetString()!;
    }

    [Theory]
    [InlineData("\"up\"", 1)]
    [InlineData("-1", -1)]
    [InlineData("\"down\"", -1)]
    public async Task Feedback_on_an_api_answer_is_stored_with_it(string rating, int stored)
    {
        var id = await AskAsync();

        var response = await _client.PostAsync("/api/v1/feedback",
            ApiAssert.Json($$"""{"answerId": "{{id}}", "rating": {{rating}}, "comment": "cites the right table"}"""));

        var recorded = await ApiAssert.OkAsync(response);
        Assert.Equal(stored, recorded.GetProperty("rating").GetInt32());
        var message = await factory.Services.GetRequiredService<ConversationStore>().GetMessageAsync(id);
        Assert.NotNull(message);
        Assert.Equal("api:ticketing", message.Feedback?.GivenBy);
        Assert.Equal(stored, message.Feedback?.Rating);
        Assert.Equal("cites the right table", message.Feedback?.Comment);
        var audit = await factory.Services.GetRequiredService<AuditLog>().ReadAsync(1000);
        var entry = Assert.Single(audit, e => e.Target == id);
        Assert.Equal("feedback.recorded", entry.Action);
    }

    [Fact]
    public async Task Feedback_on_an_unknown_answer_is_404()
    {
        var response = await _client.PostJsonAsync("/api/v1/feedback", new { answerId = "no-such-answer", rating = 1 });

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("no-such-answer", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"answerId": "a", "rating": 0}""", "rating")]
    [InlineData("""{"answerId": "a", "rating": "sideways"}""", "rating")]
    [InlineData("""{"answerId": "a"}""", "rating")]
    [InlineData("""{"rating": 1}""", "answerId")]
    [InlineData("""{"answerId": "a", "rating": 1, "stars": 5}""", "$")]
    public async Task Bad_feedback_is_a_400_problem_naming_the_field(string body, string field)
    {
        var response = await _client.PostAsync("/api/v1/feedback", ApiAssert.Json(body));

        ApiAssert.NamesField(await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest), field);
    }

    [Fact]
    public async Task A_streamed_answer_arrives_as_server_sent_events_ending_with_the_answer_that_can_be_rated()
    {
        var response = await _client.PostJsonAsync("/api/v1/ask?stream=true", new { question = "How do I lock out the hydraulic press?", machine = "HP-1" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(events);
        Assert.Equal("answer", events[^1].Name);
        Assert.All(events, e => Assert.Contains(e.Name, new[] { "delta", "tool-call-started", "tool-call-completed", "answer" }));
        var answer = events[^1].Data;
        Assert.NotEmpty(answer.GetProperty("citations").EnumerateArray());
        var streamedText = string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data.GetProperty("text").GetString()));
        Assert.Equal(answer.GetProperty("text").GetString()!.Trim(), streamedText.Trim());

        var rated = await _client.PostJsonAsync("/api/v1/feedback", new { answerId = answer.GetProperty("id").GetString(), rating = "up" });
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
    }

    [Fact]
    public async Task Stream_true_in_the_body_streams_too_and_a_bad_question_is_still_a_400_problem()
    {
        var streamed = await _client.PostJsonAsync("/api/v1/ask", new { question = "E-217?", stream = true });
        var bad = await _client.PostJsonAsync("/api/v1/ask", new { question = "", stream = true });

        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        ApiAssert.NamesField(await ApiAssert.ProblemAsync(bad, HttpStatusCode.BadRequest), "question");
    }

    /// <summary>The events of a server-sent event stream, in order; comment lines (": keep-alive") are not events.</summary>
    internal static List<(string Name, JsonElement Data)> ParseEvents(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(':')).ToList())
            .Where(lines => lines.Count > 0)
            .Select(lines => (
                lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..],
                JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement))
            .ToList();
}
