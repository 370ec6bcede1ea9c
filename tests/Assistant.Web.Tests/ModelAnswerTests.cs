using System.Net;
using System.Text.Json;
using Assistant.Core.Answering;
using Assistant.Llama.TestModels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Assistant.Core.LanguageModel;
using Assistant.Core.Answering.Safety;
using Assistant.Core.Security;

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
    /// <summary>A client that waits for the CPU-only model on a loaded 2-core machine (HttpClient's 100 s is too short).</summary>
    private HttpClient Client()
    {
        var client = factory.CreateApiClient();
        client.Timeout = TimeSpan.FromMinutes(10);
        return client;
    }

    [Fact]
    public async Task A_classify_request_runs_the_tool_through_the_model_and_streams_the_answer()
    {
        var host = factory.Services.GetRequiredService<ILanguageModelHost>();
        Assert.True(host.State.Available, host.State.Error);
        var client = Client();

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
        var client = Client();
        const string question = "What does E-217 mean?";

        var response = await client.PostJsonAsync("/api/v1/ask", new { question, machine = "CNC-2" });

        var answer = await ApiAssert.OkAsync(response);
        Assert.Equal(AnswerModes.Model, answer.GetProperty("mode").GetString());
        var text = answer.GetProperty("text").GetString()!;
        var cited = answer.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("number").GetInt32()).ToList();
        var marked = System.Text.RegularExpressions.Regex.Matches(text, @"\[(\d+)\]").Select(m => int.Parse(m.Groups[1].Value)).Distinct().Order();
        Assert.Equal(cited.Order(), marked);

        // Random weights support nothing reliably. Whatever the model wrote, the rule holds both ways: an answer with
        // no supported citation is the escalation message with a note saying why, and only such an answer is.
        var escalation = factory.Services.GetRequiredService<SafetyProcedures>().NotCovered(question);
        var notes = answer.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Equal(cited.Count == 0, text == escalation);
        Assert.Equal(cited.Count == 0, notes.Any(n => n.Contains("replaced by an escalation message", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_forced_tool_call_for_a_machine_outside_the_askers_lines_is_refused_in_the_model_path()
    {
        var answers = factory.Services.GetRequiredService<IAnswerService>();
        var request = new AskRequest("Classify machine CNC-2 now", Role: UserRole.Engineer, Scope: AccessScope.ForLines(["PL1"]));

        var updates = new List<AnswerUpdate>();
        await foreach (var update in answers.StreamAsync(request))
        {
            updates.Add(update);
        }

        // The grammar wrote the pinned machine, and the line filter refused it before the classifier ran.
        var started = Assert.Single(updates.OfType<ToolCallStarted>()).Call;
        Assert.Equal("classify_fault", started.Name);
        Assert.Equal("CNC-2", started.Arguments.GetProperty("machine").GetString());
        var completed = Assert.Single(updates.OfType<ToolCallCompleted>()).Call;
        Assert.Null(completed.Result);
        Assert.Equal("classify_fault was not run: machine CNC-2 is not on the lines you may see (PL1). Ask someone responsible for that line.", completed.Error);
        var answer = Assert.IsType<AnswerCompleted>(updates[^1]).Answer;
        Assert.Equal(AnswerModes.Model, answer.Mode);
        Assert.Equal(completed, Assert.Single(answer.ToolCalls));
    }
}
