using System.Text.Json;
using Assistant.Core.LanguageModel;
using Assistant.Llama.Grammar;
using Assistant.Llama.Inference;
using Microsoft.Extensions.AI;

namespace Assistant.Llama.Tests;

[Collection(TestModelCollection.Name)]
public sealed class ChatClientTests(TestModelFixture fixture)
{
    private const string ClassifierSchema = """
        {
          "type": "object",
          "properties": {
            "machine": { "type": "string", "enum": ["press-01", "lathe-02", "oven \"A\""] },
            "window_minutes": { "type": "integer", "minimum": 1, "maximum": 60 },
            "sensors": { "type": "array", "items": { "type": "string", "maxLength": 6 }, "maxItems": 3 },
            "threshold": { "type": "number" },
            "urgent": { "type": "boolean" },
            "note": { "type": "string", "maxLength": 8 },
            "mode": { "oneOf": [ { "const": "fast" }, { "type": "object", "properties": { "depth": { "type": "integer", "minimum": 0 } }, "required": ["depth"] } ] }
          },
          "required": ["machine", "window_minutes", "mode"],
          "additionalProperties": false
        }
        """;

    private static readonly JsonElement Schema = JsonDocument.Parse(ClassifierSchema).RootElement;

    private static AIFunctionDeclaration Tool(string name, JsonElement schema) =>
        AIFunctionFactory.CreateDeclaration(name, $"The {name} tool.", schema);

    [Fact]
    public async Task Plain_chat_streams_text_and_reports_usage()
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in fixture.ChatClient.GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Why does the press stop?")],
            new ChatOptions { Temperature = 0, MaxOutputTokens = 12, Seed = 3 }))
        {
            updates.Add(update);
        }

        var texts = updates.SelectMany(u => u.Contents.OfType<TextContent>()).ToList();
        Assert.True(texts.Count > 1, "text arrives in several updates");
        var usage = updates.SelectMany(u => u.Contents.OfType<UsageContent>()).Single().Details;
        Assert.True(usage.InputTokenCount > 10);
        Assert.InRange(usage.OutputTokenCount!.Value, 1, 12);
        Assert.NotNull(updates[^1].FinishReason);
    }

    [Fact]
    public async Task Cancelling_a_stream_stops_it()
    {
        using var cancellation = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in fixture.ChatClient.GetStreamingResponseAsync(
                [new ChatMessage(ChatRole.User, "Write a long report.")],
                new ChatOptions { Temperature = 0, MaxOutputTokens = 400, StopSequences = ["never-in-output-\u0001"] },
                cancellation.Token))
            {
                if (++received == 3)
                {
                    cancellation.Cancel();
                }
            }
        });
        Assert.Equal(3, received);

        // The sequence was released: the generator still serves requests at full capacity.
        var after = await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Still there?")], new ChatOptions { MaxOutputTokens = 4 });
        Assert.NotNull(after.FinishReason);
    }

    [Fact]
    public async Task Stop_sequence_ends_the_answer_without_showing_it()
    {
        var request = new ChatOptions { Temperature = 0, MaxOutputTokens = 40 };
        var free = (await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Name a part.")], request)).Text;
        Assert.True(free.Length > 6, $"greedy text '{free}' long enough to cut");
        var stop = free.Substring(3, 2);
        var cut = await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Name a part.")],
            new ChatOptions { Temperature = 0, MaxOutputTokens = 40, StopSequences = [stop] });
        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
        Assert.Equal(ChatFinishReason.Stop, cut.FinishReason);
    }

    [Fact]
    public async Task Required_tool_call_parses_and_validates_for_many_seeds()
    {
        var tools = new List<AITool> { Tool("classify_fault", Schema), Tool("optimize_process", JsonDocument.Parse("""{"type":"object","properties":{"kpi":{"enum":["yield","energy"]}},"required":["kpi"]}""").RootElement) };
        for (var seed = 1; seed <= 12; seed++)
        {
            var response = await fixture.ChatClient.GetResponseAsync(
                [new ChatMessage(ChatRole.User, "Classify the fault on press-01.")],
                new ChatOptions { Tools = tools, ToolMode = ChatToolMode.RequireAny, Temperature = 1.0f, Seed = seed, MaxOutputTokens = 400 });
            var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
            Assert.False(string.IsNullOrEmpty(call.CallId));
            var schema = call.Name == "classify_fault" ? Schema : ((AIFunctionDeclaration)tools[1]).JsonSchema;
            var arguments = JsonSerializer.SerializeToElement(call.Arguments);
            Assert.Empty(JsonSchemaValidator.Validate(schema, arguments));
        }
    }

    [Fact]
    public async Task Require_specific_tool_calls_that_tool()
    {
        var tools = new List<AITool> { Tool("classify_fault", Schema), Tool("optimize_process", JsonDocument.Parse("""{"type":"object","properties":{"kpi":{"enum":["yield","energy"]}},"required":["kpi"]}""").RootElement) };
        for (var seed = 1; seed <= 3; seed++)
        {
            var response = await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Optimise.")],
                new ChatOptions { Tools = tools, ToolMode = ChatToolMode.RequireSpecific("optimize_process"), Temperature = 1.0f, Seed = seed, MaxOutputTokens = 100 });
            var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal("optimize_process", call.Name);
            Assert.Contains(((JsonElement)call.Arguments!["kpi"]!).GetString(), new[] { "yield", "energy" });
        }
    }

    [Fact]
    public async Task Streamed_tool_call_arrives_as_one_update_at_the_end()
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in fixture.ChatClient.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Classify.")],
            new ChatOptions { Tools = [Tool("classify_fault", Schema)], ToolMode = ChatToolMode.RequireAny, Temperature = 0.8f, Seed = 5, MaxOutputTokens = 400 }))
        {
            updates.Add(update);
        }

        Assert.Empty(updates.SelectMany(u => u.Contents.OfType<TextContent>()));
        Assert.IsType<FunctionCallContent>(Assert.Single(updates).Contents[0]);
    }

    [Fact]
    public async Task Auto_tool_mode_returns_text_or_a_valid_call()
    {
        var sawText = false;
        var sawCall = false;
        for (var seed = 1; seed <= 16 && !(sawText && sawCall); seed++)
        {
            var response = await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Help.")],
                new ChatOptions { Tools = [Tool("classify_fault", Schema)], ToolMode = ChatToolMode.Auto, Temperature = 1.5f, TopK = 0, Seed = seed, MaxOutputTokens = 300 });
            var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().SingleOrDefault();
            if (call is null)
            {
                sawText = true;
                Assert.False(response.Text.TrimStart().StartsWith('{'));
            }
            else
            {
                sawCall = true;
                Assert.Empty(JsonSchemaValidator.Validate(Schema, JsonSerializer.SerializeToElement(call.Arguments)));
            }
        }

        Assert.True(sawText, "auto mode let the model write text");
    }

    [Fact]
    public async Task Json_schema_response_format_parses_and_validates()
    {
        for (var seed = 1; seed <= 6; seed++)
        {
            var response = await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Answer as JSON.")],
                new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "fault"), Temperature = 1.0f, Seed = seed, MaxOutputTokens = 400 });
            var answer = JsonDocument.Parse(response.Text).RootElement;
            Assert.Empty(JsonSchemaValidator.Validate(Schema, answer));
        }
    }

    [Fact]
    public async Task Tool_calls_and_results_are_rendered_into_the_conversation()
    {
        var call = new FunctionCallContent("call_1", "classify_fault", new Dictionary<string, object?> { ["machine"] = "press-01" });
        var history = new List<ChatMessage>
        {
            new(ChatRole.User, "What is wrong with press-01?"),
            new(ChatRole.Assistant, [call]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", JsonSerializer.SerializeToElement(new { label = "bearing wear", p = 0.91 }))]),
        };
        var response = await fixture.ChatClient.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 });
        Assert.True(response.Usage!.InputTokenCount > 0);

        var prompt = fixture.Model.ApplyChatTemplate([
            ("user", "What is wrong with press-01?"),
            ("assistant", """{"name":"classify_fault","arguments":{"machine":"press-01"}}"""),
            ("tool", """{"name":"classify_fault","result":{"label":"bearing wear","p":0.91}}"""),
        ]);
        Assert.Equal(fixture.Model.Tokenize(prompt, true, true).Length, response.Usage.InputTokenCount);
    }

    [Fact]
    public async Task Unknown_adapter_is_refused_with_the_known_names()
    {
        var options = new ChatOptions { AdditionalProperties = new() { ["adapters"] = new Dictionary<string, float> { ["quality-v9"] = 1f } } };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], options));
        Assert.Contains("quality-v9", error.Message);
        Assert.Contains("test-maintenance", error.Message);
    }

    [Fact]
    public async Task Adapter_changes_output_at_scale_one_but_not_at_zero()
    {
        async Task<string> Answer(float? scale)
        {
            var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 24 };
            if (scale is { } s)
            {
                options.AdditionalProperties = new() { ["adapters"] = (IReadOnlyDictionary<string, float>)new Dictionary<string, float> { ["test-maintenance"] = s } };
            }

            var response = await fixture.ChatClient.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Which valve leaks?")], options)
                .Select(u => u.Text).ToListAsync();
            return string.Concat(response);
        }

        var baseline = await Answer(null);
        Assert.Equal(baseline, await Answer(0f));
        Assert.NotEqual(baseline, await Answer(1f));
        Assert.Equal(baseline, await Answer(null));
    }

    [Fact]
    public async Task Prompt_beyond_the_context_is_a_clear_error()
    {
        var history = Enumerable.Range(0, 90).Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"Reading {i}: vibration 4.{i} mm/s at bearing B{i}.")).ToList();
        var error = await Assert.ThrowsAsync<ContextOverflowException>(() => fixture.ChatClient.GetResponseAsync(history));
        Assert.Equal(fixture.Generator.ContextLength, error.ContextTokens);
        Assert.True(error.PromptTokens > error.ContextTokens);
        Assert.Contains("Llama:ContextSize", error.Message);
    }

    [Fact]
    public async Task Concurrent_requests_produce_the_same_text_as_alone()
    {
        var questions = Enumerable.Range(0, 8).Select(i => $"Question {i}: why did line {i} stop?").ToList();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 20 };
        var alone = new List<string>();
        foreach (var question in questions)
        {
            alone.Add((await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, question)], options)).Text);
        }

        var together = await Task.WhenAll(questions.Select(q => Task.Run(async () =>
            (await fixture.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, q)], options)).Text)));
        Assert.Equal(alone, together);
    }

    [Fact]
    public async Task Concurrent_requests_with_different_adapters_each_get_their_own_output()
    {
        var question = new ChatMessage(ChatRole.User, "Which valve leaks?");
        ChatOptions Options(float? scale) => new()
        {
            Temperature = 0,
            MaxOutputTokens = 16,
            AdditionalProperties = scale is { } s ? new() { ["adapters"] = (IReadOnlyDictionary<string, float>)new Dictionary<string, float> { ["test-maintenance"] = s } } : null,
        };
        var scales = new float?[] { null, 1f, 0.5f, null, 1f, 0.5f };
        var alone = new List<string>();
        foreach (var scale in scales)
        {
            alone.Add((await fixture.ChatClient.GetResponseAsync([question], Options(scale))).Text);
        }

        var together = await Task.WhenAll(scales.Select(s => Task.Run(async () => (await fixture.ChatClient.GetResponseAsync([question], Options(s))).Text)));
        Assert.Equal(alone, together);
    }
}
