using System.Text.Json;
using Assistant.Core.Answering;
using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Safety;
using Assistant.Core.Answering.Tools;
using Assistant.Core.Security;
using Microsoft.Extensions.AI;

namespace Assistant.Core.Tests.Answering;

public sealed record ClassificationWithAdvice(string Machine, string Label, string Advice);

/// <summary>
/// The checks every tool call passes, as Semantic Kernel filters: through the model's tool loop (Semantic Kernel's
/// function invocation over the scripted chat client) and through a direct run in retrieval-only mode. Each test
/// shows a filter acting where the user sees it: the tool card, the answer, and what the model is given.
/// </summary>
public sealed class ToolFilterTests
{
    private static AIFunction Classify(List<string> calls, string advice = "check the spindle chiller") => AIFunctionFactory.Create(
        (string machine) =>
        {
            calls.Add(machine);
            return new ClassificationWithAdvice(machine, "tool wear", advice);
        },
        "classify_fault",
        "Classifies the machine's current fault from its latest sensor readings.");

    private static AIFunction Optimize(List<string> calls) => AIFunctionFactory.Create(
        (string process) =>
        {
            calls.Add(process);
            return new Setpoints(process, 285.5, 620);
        },
        "optimize_process",
        "Finds setpoints that maximise the process KPI inside its safe limits.");

    private static DirectToolAnswerService RetrievalOnly(Harness harness)
    {
        var options = Microsoft.Extensions.Options.Options.Create(harness.Options);
        var prompts = new PromptLibrary(Repo.Prompts);
        return new DirectToolAnswerService(
            new RetrievalOnlyAnswerService(harness.Index), harness.BuildTools(), Repo.Plant, new SafetyProcedures(harness.Index, prompts, Repo.Plant, options));
    }

    private static string FedToModel(ScriptedChatClient_TestDouble chat, int call) =>
        JsonSerializer.Serialize(chat.Calls[call].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.Result));

    [Fact]
    public async Task A_tool_result_the_safety_screen_flags_is_withheld_from_the_technician_and_the_model()
    {
        var calls = new List<string>();
        var harness = new Harness();
        harness.Tools.Add(Classify(calls, "To reset faster, jumper out the door interlock and restart."));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2" })
            .Text("Check the chiller filter [1].");

        var updates = await harness.StreamAsync(new AskRequest("What is wrong with CNC-2?"));

        Assert.Equal(["CNC-2"], calls);
        var card = Assert.Single(updates.OfType<ToolCallCompleted>()).Call;
        Assert.Null(card.Result);
        Assert.Contains("The result of classify_fault was withheld", card.Error);
        Assert.Contains("instruction to defeat a safety device (\"jumper out the door interlock\")", card.Error);
        Assert.DoesNotContain("restart", FedToModel(harness.Chat, 1));
        Assert.Contains("withheld", FedToModel(harness.Chat, 1));
        Assert.Equal(card, Assert.Single(Harness.Final(updates).ToolCalls));
    }

    [Fact]
    public async Task In_retrieval_only_mode_a_flagged_tool_result_is_withheld_too()
    {
        var harness = new Harness();
        harness.Tools.Add(Classify([], "Bridge terminals 3 and 4 of the light curtain to keep the cell running."));

        var answer = await RetrievalOnly(harness).AskAsync(new AskRequest("classify CNC-2 now"));

        var card = Assert.Single(answer.ToolCalls);
        Assert.Null(card.Result);
        Assert.Contains("withheld", card.Error);
        Assert.DoesNotContain("keep the cell running", answer.Text);
        Assert.StartsWith("classify_fault for CNC-2 failed: The result of classify_fault was withheld", answer.Text);
    }

    [Fact]
    public async Task The_model_cannot_run_a_tool_on_a_machine_outside_the_askers_lines()
    {
        var calls = new List<string>();
        var harness = new Harness();
        harness.Tools.Add(Classify(calls));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2" })
            .Text("I cannot check CNC-2 for you; see the spindle section [1].");

        var updates = await harness.StreamAsync(new AskRequest("What is wrong with the spindle?", Scope: AccessScope.ForLines(["PL1", "MO3"])));

        Assert.Empty(calls);
        var error = Assert.Single(updates.OfType<ToolCallCompleted>()).Call.Error;
        Assert.Equal("classify_fault was not run: machine CNC-2 is not on the lines you may see (MO3, PL1). Ask someone responsible for that line.", error);
        Assert.Contains("not on the lines you may see", FedToModel(harness.Chat, 1));
    }

    [Theory]
    [InlineData("classify CNC-2 now", "PL1", "classify_fault was not run: machine CNC-2 is not on the lines")]
    [InlineData("best setpoints for IM-1", "ML2", "optimize_process was not run: process injection-moulding-cover is not on the lines")]
    public async Task In_retrieval_only_mode_a_tool_request_outside_the_askers_lines_is_refused(string question, string line, string expected)
    {
        var calls = new List<string>();
        var harness = new Harness();
        harness.Tools.Add(Classify(calls));
        harness.Tools.Add(Optimize(calls));

        var answer = await RetrievalOnly(harness).AskAsync(new AskRequest(question, Scope: AccessScope.ForLines([line])));

        Assert.Empty(calls);
        Assert.StartsWith(expected, Assert.Single(answer.ToolCalls).Error);
    }

    [Fact]
    public async Task A_tool_request_inside_the_askers_lines_runs()
    {
        var calls = new List<string>();
        var harness = new Harness();
        harness.Tools.Add(Optimize(calls));

        var answer = await RetrievalOnly(harness).AskAsync(new AskRequest("best setpoints for IM-1", Scope: AccessScope.ForLines(["MO3"])));

        Assert.Equal(["injection-moulding-cover"], calls);
        Assert.Equal(620, Assert.Single(answer.ToolCalls).Result!.Value.GetProperty("holdPressureBar").GetDouble());
    }

    [Fact]
    public async Task A_forced_call_that_leaves_the_machine_the_question_named_is_refused()
    {
        var calls = new List<string>();
        var harness = new Harness();
        harness.Tools.Add(Classify(calls));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-3" })
            .Text("Check the chiller filter [1].");

        var updates = await harness.StreamAsync(new AskRequest("Classify machine CNC-2 now"));

        Assert.Empty(calls);
        Assert.Equal(
            "The question asks about machine CNC-2, but this call of classify_fault named another machine; it was not run.",
            Assert.Single(updates.OfType<ToolCallCompleted>()).Call.Error);
    }

    [Fact]
    public async Task A_refusal_that_quotes_unsafe_words_the_model_wrote_is_screened_too()
    {
        var calls = new List<string>();
        var strict = AIFunctionFactory.CreateDeclaration(
            "classify_fault", "Classifies a machine.",
            JsonDocument.Parse("""{"type":"object","properties":{"machine":{"type":"string","enum":["CNC-1","CNC-2"]}},"required":["machine"]}""").RootElement);
        var harness = new Harness();
        harness.Tools.Add(new SchemaTool(strict, Classify(calls)));
        harness.Chat
            .ToolCall("classify_fault", new() { ["machine"] = "CNC-2, then jumper out the door interlock" })
            .Text("Check the chiller filter [1].");

        var updates = await harness.StreamAsync(new AskRequest("What is wrong with the spindle?"));

        Assert.Empty(calls);
        var error = Assert.Single(updates.OfType<ToolCallCompleted>()).Call.Error!;
        Assert.StartsWith("classify_fault did not run, and its error message was withheld", error);
        Assert.DoesNotContain("must be one of", error);
        Assert.DoesNotContain("must be one of", FedToModel(harness.Chat, 1));
    }
}
