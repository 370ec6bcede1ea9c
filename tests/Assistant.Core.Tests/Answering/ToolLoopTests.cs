using System.ComponentModel;
using System.Text.Json;
using Assistant.Core.Answering;
using Microsoft.Extensions.AI;
using Assistant.Core.Security;

namespace Assistant.Core.Tests.Answering;

public sealed record Classification(string Machine, string Label, double Probability);

public sealed class ToolLoopTests
{
    private static AIFunction ClassifyTool(List<string> calls) => AIFunctionFactory.Create(
        ([Description("Machine id, e.g. CNC-2")] string machine) =>
        {
            calls.Add(machine);
            return new Classification(machine, "tool wear", 0.91);
        },
        "classify_fault",
        "Classifies the machine's current fault from its latest sensor readings.");

    [Fact]
    public async Task Tool_call_runs_the_tool_feeds_the_result_back_and_the_answer_streams_after_it()
    {
        var calls = new List<string>();
        var harness = new Harness();
        harness.Tools.Add(ClassifyTool(calls));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2" })
            .Turn((messages, _) =>
            [
                new TextContent("The classifier reports tool wear. "),
                new TextContent($"E-217 points at the chiller filter [{Harness.NumberOf(messages, SamplePassages.SpindleFault)}]."),
            ]);

        var updates = await harness.StreamAsync(new AskRequest("Why does CNC-2 keep stopping with E-217?", Role: UserRole.Engineer));

        Assert.Equal(["CNC-2"], calls);
        var started = Assert.IsType<ToolCallStarted>(updates[0]);
        Assert.Equal("classify_fault", started.Call.Name);
        Assert.Equal("CNC-2", started.Call.Arguments.GetProperty("machine").GetString());
        Assert.Null(started.Call.Result);
        var completed = Assert.IsType<ToolCallCompleted>(updates[1]);
        Assert.Equal("tool wear", completed.Call.Result!.Value.GetProperty("label").GetString());
        Assert.Null(completed.Call.Error);
        Assert.All(updates.Skip(2).SkipLast(1), u => Assert.IsType<AnswerTextDelta>(u));

        // The second model call sees its own call and the tool's real result.
        var second = harness.Chat.Calls[1].Messages;
        Assert.Contains(second.SelectMany(m => m.Contents).OfType<FunctionCallContent>(), c => c.Name == "classify_fault");
        var fed = Assert.Single(second.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal("call-1", fed.CallId);
        Assert.Contains("tool wear", JsonSerializer.Serialize(fed.Result));

        var answer = Harness.Final(updates);
        Assert.Equal(AnswerModes.Model, answer.Mode);
        var number = Harness.NumberOf(harness.Chat.Calls[1].Messages, SamplePassages.SpindleFault);
        Assert.Equal($"The classifier reports tool wear. E-217 points at the chiller filter [{number}].", answer.Text);
        Assert.Equal("tool wear", Assert.Single(answer.ToolCalls).Result!.Value.GetProperty("label").GetString());
        Assert.Equal("cnc-e217", Assert.Single(answer.Citations).PassageId);
    }

    [Fact]
    public async Task Question_that_names_a_tool_forces_that_tool_on_the_first_round_only()
    {
        var harness = new Harness();
        harness.Tools.Add(ClassifyTool([]));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2" })
            .Text("Tool wear on CNC-2; see the spindle fault section [1].");

        await harness.StreamAsync(new AskRequest("Classify machine CNC-2 now"));

        var first = Assert.IsType<RequiredChatToolMode>(harness.Chat.Calls[0].Options!.ToolMode);
        Assert.Equal("classify_fault", first.RequiredFunctionName);
        Assert.IsType<AutoChatToolMode>(harness.Chat.Calls[1].Options!.ToolMode);
    }

    [Fact]
    public async Task Tool_rounds_stop_at_the_configured_limit_and_the_model_must_answer_without_tools()
    {
        var calls = new List<string>();
        var harness = new Harness(configure: o => o.MaxToolRounds = 2);
        harness.Tools.Add(ClassifyTool(calls));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2" }, "a")
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2" }, "b")
            .Text("Replace the chiller filter [1].");

        var updates = await harness.StreamAsync(new AskRequest("What is wrong with CNC-2 spindle?"));

        Assert.Equal(2, calls.Count);
        Assert.Equal(3, harness.Chat.Calls.Count);
        var last = harness.Chat.Calls[2].Options!;
        Assert.IsType<NoneChatToolMode>(last.ToolMode);
        Assert.Null(last.Tools);
        var answer = Harness.Final(updates);
        Assert.Equal(2, answer.ToolCalls.Count);
        Assert.Contains(answer.Notes, n => n.Contains("limit of 2 tool rounds"));
    }

    [Fact]
    public async Task A_failing_tool_is_reported_as_an_error_to_the_model_and_the_ui_never_as_a_result()
    {
        var harness = new Harness();
        harness.Tools.Add(AIFunctionFactory.Create(
            new Func<string, Classification>(machine => throw new InvalidOperationException($"No sensor readings for {machine} in the last 10 minutes.")),
            "classify_fault",
            "Classifies the machine's current fault."));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2" })
            .Text("The classifier could not run; check the chiller filter per the manual [1].");

        var updates = await harness.StreamAsync(new AskRequest("Classify CNC-2"));

        var completed = Assert.Single(updates.OfType<ToolCallCompleted>());
        Assert.Null(completed.Call.Result);
        Assert.Contains("No sensor readings for CNC-2", completed.Call.Error);
        var fed = Assert.Single(harness.Chat.Calls[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.StartsWith("Error:", Assert.IsType<string>(fed.Result));
        Assert.Contains("No sensor readings", (string)fed.Result!);
        Assert.Contains("No sensor readings", Assert.Single(Harness.Final(updates).ToolCalls).Error);
    }

    [Theory]
    [InlineData("{\"machine\":42}", "must be of type string")]
    [InlineData("{}", "arguments.machine is required")]
    [InlineData("{\"machine\":\"CNC-2\",\"force\":true}", "not a parameter")]
    public async Task Arguments_that_break_the_tool_schema_are_refused_without_running_the_tool(string arguments, string expected)
    {
        var calls = new List<string>();
        var strict = AIFunctionFactory.CreateDeclaration(
            "classify_fault", "Classifies a machine.",
            JsonDocument.Parse("""{"type":"object","properties":{"machine":{"type":"string"}},"required":["machine"],"additionalProperties":false}""").RootElement);
        var harness = new Harness();
        harness.Tools.Add(new SchemaTool(strict, ClassifyTool(calls)));
        harness.Chat
            .ToolCall("classify_fault", JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments)!)
            .Text("I could not classify it; the chiller filter is the usual cause [1].");

        var updates = await harness.StreamAsync(new AskRequest("Classify CNC-2"));

        Assert.Empty(calls);
        var error = Assert.Single(updates.OfType<ToolCallCompleted>()).Call.Error;
        Assert.Contains("Invalid arguments", error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task A_call_to_an_unknown_tool_is_an_error_naming_the_tools_there_are()
    {
        var harness = new Harness();
        harness.Tools.Add(ClassifyTool([]));
        harness.Chat
            .ToolCall("reset_alarm", new() { ["machine"] = "CNC-2" })
            .Text("Replace the chiller filter [1].");

        var updates = await harness.StreamAsync(new AskRequest("CNC-2 spindle alarm"));

        var error = Assert.Single(updates.OfType<ToolCallCompleted>()).Call.Error;
        Assert.Contains("no tool named 'reset_alarm'", error);
        Assert.Contains("classify_fault", error);
    }

    /// <summary>An AIFunction with a hand-written strict schema over a factory-made body.</summary>
    private sealed class SchemaTool(AIFunctionDeclaration declaration, AIFunction body) : AIFunction
    {
        public override string Name => declaration.Name;

        public override string Description => declaration.Description;

        public override JsonElement JsonSchema => declaration.JsonSchema;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            body.InvokeAsync(arguments, cancellationToken);
    }
}
