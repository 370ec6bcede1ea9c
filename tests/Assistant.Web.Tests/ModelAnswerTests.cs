using System.Net;
using System.Text.Json;
using Assistant.Core.Answering;
using Assistant.Llama.TestModels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Assistant.Core.LanguageModel;

namespace Assistant.Web.Tests;

/// <summary>
/// The web host with a real language model: a small GGUF with random weights that make-test-model writes (no
/// weights can be downloaded here). Its text is noise, but the runtime's grammar makes its tool calls well formed,
/// so the whole answer path runs for real: prompt, forced tool call, tool, result fed back, streamed answer.
/// </summary>
public sealed class ModelAppFactory : PlantAppFactory
{
    public ModelAppFactory()
    {
        Models = TestModelWriter.WriteSet(Path.Combine(DataDirectory, "models"));
    }

    public TestModelSet Models { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in Models.AssistantSettings())
        {
            builder.UseSetting(key, value);
        }
    }
}

public sealed class ModelAnswerTests(ModelAppFactory factory) : IClassFixture<ModelAppFactory>
{
    [Fact]
    public async Task A_classify_request_runs_the_tool_through_the_model_and_streams_the_answer()
    {
        var host = factory.Services.GetRequiredService<ILanguageModelHost>();
        Assert.True(host.State.Available, host.State.Error);
        var client = factory.CreateApiClient();

        var response = await client.PostJsonAsync("/api/v1/ask?stream=true", new { question = "Classify machine CNC-2 now", role = "engineer" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = FeedbackAndStreamTests.ParseEvents(await response.Content.ReadAsStringAsync());
        var names = events.Select(e => e.Name).ToList();
        Assert.True(names.IndexOf("tool-call-started") >= 0, string.Join(" | ", events.Select(e => $"{e.Name}: {e.Data}")));
        Assert.True(names.IndexOf("tool-call-completed") > names.IndexOf("tool-call-started"), string.Join(",", names));
        Assert.Equal("answer", names[^1]);

        var call = events.First(e => e.Name == "tool-call-completed").Data.GetProperty("call");
        Assert.True(call.TryGetProperty("name", out var name) && name.GetString() == "classify_fault", call.ToString());
        Assert.True(call.TryGetProperty("arguments", out var arguments) && arguments.TryGetProperty("machine", out var machine) && machine.GetString() == "CNC-2", call.ToString());
        Assert.True(call.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object, call.ToString());
        Assert.Equal("milling-failure", result.GetProperty("classifier").GetString());

        var answer = events[^1].Data;
        Assert.Equal(AnswerModes.Model, answer.GetProperty("mode").GetString());
        Assert.Single(answer.GetProperty("toolCalls").EnumerateArray());
    }

    [Fact]
    public async Task A_question_answered_by_the_model_keeps_only_citations_of_passages_it_was_given()
    {
        var client = factory.CreateApiClient();

        var response = await client.PostJsonAsync("/api/v1/ask", new { question = "What does E-217 mean?", machine = "CNC-2" });

        var answer = await ApiAssert.OkAsync(response);
        Assert.Equal(AnswerModes.Model, answer.GetProperty("mode").GetString());
        var text = answer.GetProperty("text").GetString()!;
        var cited = answer.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("number").GetInt32()).ToList();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"\[(\d+)\]"))
        {
            Assert.Contains(int.Parse(m.Groups[1].Value), cited);
        }

        // Random weights support nothing: the answer must say so and send the technician on, not guess.
        if (cited.Count == 0)
        {
            Assert.Contains("escalate", text, StringComparison.OrdinalIgnoreCase);
            Assert.NotEmpty(answer.GetProperty("notes").EnumerateArray());
        }
    }
}
