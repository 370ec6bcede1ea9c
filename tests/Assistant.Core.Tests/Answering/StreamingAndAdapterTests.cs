using Assistant.Core.Answering;
using Microsoft.Extensions.AI;
using Assistant.Core.Security;

namespace Assistant.Core.Tests.Answering;

public sealed class StreamingAndAdapterTests
{
    private static IReadOnlyDictionary<string, float>? AdaptersSent(Harness harness) =>
        harness.Chat.Calls[0].Options!.AdditionalProperties?["adapters"] as IReadOnlyDictionary<string, float>;

    [Fact]
    public async Task Technicians_get_the_maintenance_adapter_and_their_role_prompt()
    {
        var harness = new Harness();
        harness.Chat.Text("Replace the filter [1].");

        await harness.StreamAsync(new AskRequest("CNC-2 spindle E-217", Role: UserRole.Technician));

        Assert.Equal(new Dictionary<string, float> { ["maintenance"] = 1.0f }, AdaptersSent(harness));
        var system = harness.Chat.Calls[0].Messages[0];
        Assert.Equal(ChatRole.System, system.Role);
        Assert.Contains("short numbered steps", system.Text);
        Assert.Contains("lock-out/tag-out and PPE warning", system.Text);
        Assert.DoesNotContain("root cause", system.Text);
        Assert.Contains("Riverside Components", system.Text);
    }

    [Fact]
    public async Task Configured_adapters_resolve_by_purpose_and_ones_the_model_lacks_are_left_out()
    {
        var byPurpose = new Harness();
        byPurpose.Host.AvailableAdapters = [new("plant-maint-v3", "maintenance")];
        byPurpose.Chat.Text("Replace the filter [1].");
        await byPurpose.StreamAsync(new AskRequest("CNC-2 spindle E-217", Role: UserRole.Technician));
        Assert.Equal(new Dictionary<string, float> { ["plant-maint-v3"] = 1.0f }, AdaptersSent(byPurpose));

        var none = new Harness();
        none.Host.AvailableAdapters = [];
        none.Chat.Text("Replace the filter [1].");
        var updates = await none.StreamAsync(new AskRequest("CNC-2 spindle E-217", Role: UserRole.Technician));
        Assert.True(AdaptersSent(none) is null or { Count: 0 });
        Assert.Contains(updates, u => u is AnswerCompleted);
    }

    [Fact]
    public async Task A_quality_question_switches_to_the_quality_adapter_whatever_the_role()
    {
        var technician = new Harness();
        technician.Chat.Text("Within tolerance [1].");
        await technician.StreamAsync(new AskRequest("Is a 0.05 mm bore tolerance defect on CNC-2 spindle parts scrap?", Role: UserRole.Technician));
        Assert.Equal(new Dictionary<string, float> { ["quality"] = 0.8f }, AdaptersSent(technician));

        var engineer = new Harness();
        engineer.Chat.Text("Within tolerance [1].");
        await engineer.StreamAsync(new AskRequest("Which defects follow E-217 on CNC-2 spindle?", Role: UserRole.Engineer));
        Assert.Equal(new Dictionary<string, float> { ["quality"] = 0.8f }, AdaptersSent(engineer));
        Assert.Contains("root cause", engineer.Chat.Calls[0].Messages[0].Text);
    }

    [Fact]
    public async Task An_engineer_question_with_no_configured_adapter_sends_none()
    {
        var harness = new Harness();
        harness.Chat.Text("Chiller filter [1].");

        await harness.StreamAsync(new AskRequest("Why does CNC-2 spindle overheat?", Role: UserRole.Engineer));

        Assert.Null(harness.Chat.Calls[0].Options!.AdditionalProperties);
    }

    [Fact]
    public async Task Text_streams_sentence_by_sentence_while_the_model_is_still_generating_and_the_answer_comes_last()
    {
        var harness = new Harness();
        var yieldedAtFirstDelta = -1;
        harness.Chat.Turn((messages, _) =>
        {
            var n = Harness.NumberOf(messages, SamplePassages.SpindleFault);
            string[] tokens = ["1. Stop", " the spindle", $" [{n}].\n", "2. Top up", " the chiller", $" coolant [{n}].\n", "3. Replace", " the filter", $" [{n}]."];
            return tokens.Select(t => (AIContent)new TextContent(t)).ToList();
        });

        var updates = new List<AnswerUpdate>();
        await foreach (var update in harness.Service().StreamAsync(new AskRequest("CNC-2 spindle E-217 what to do", Role: UserRole.Engineer)))
        {
            if (update is AnswerTextDelta && yieldedAtFirstDelta < 0)
            {
                yieldedAtFirstDelta = harness.Chat.UpdatesYielded;
            }

            updates.Add(update);
        }

        Assert.Equal(9, harness.Chat.UpdatesYielded);
        Assert.InRange(yieldedAtFirstDelta, 1, 8);
        var deltas = updates.OfType<AnswerTextDelta>().Select(d => d.Text).ToList();
        Assert.Equal(3, deltas.Count);
        Assert.StartsWith("1. Stop the spindle", deltas[0]);
        Assert.IsType<AnswerCompleted>(updates[^1]);
        Assert.Equal(updates.Count - 1, updates.FindIndex(u => u is AnswerCompleted));
        Assert.Equal(Harness.Streamed(updates).Trim(), Harness.Final(updates).Text);
    }

    [Fact]
    public async Task A_run_on_answer_without_sentence_ends_still_streams_and_is_still_checked_as_a_whole()
    {
        var words = Enumerable.Range(1, 150).Select(i => $"word{i} ").ToList();
        var harness = new Harness();
        harness.Chat.Turn((messages, _) =>
            words.Append($"[{Harness.NumberOf(messages, SamplePassages.SpindleFault)}]").Select(w => (AIContent)new TextContent(w)).ToList());
        var yieldedAtFirstDelta = -1;
        var updates = new List<AnswerUpdate>();
        await foreach (var update in harness.Service().StreamAsync(new AskRequest("CNC-2 spindle E-217", Role: UserRole.Engineer)))
        {
            if (update is AnswerTextDelta && yieldedAtFirstDelta < 0)
            {
                yieldedAtFirstDelta = harness.Chat.UpdatesYielded;
            }

            updates.Add(update);
        }

        Assert.InRange(yieldedAtFirstDelta, 1, 150);
        Assert.Equal(Harness.Streamed(updates).Trim(), Harness.Final(updates).Text);

        // Wherever a bypass phrase falls against the release boundaries of a run-on answer, it never reaches the answer.
        for (var at = 30; at < 90; at++)
        {
            var position = at;
            var unsafeHarness = new Harness();
            unsafeHarness.Chat.Turn((messages, _) =>
                words.Take(position).Append("then bypass the door interlock ").Concat(words.Skip(position)).Append("[1]").Select(w => (AIContent)new TextContent(w)).ToList());
            var unsafeUpdates = await unsafeHarness.StreamAsync(new AskRequest("CNC-2 spindle E-217", Role: UserRole.Engineer));
            Assert.Contains("can't help with bypassing", Harness.Final(unsafeUpdates).Text);
            Assert.DoesNotContain(unsafeUpdates.OfType<AnswerTextDelta>(), d => d.Text.Contains("door interlock"));
        }
    }

    [Fact]
    public async Task Cancelling_stops_the_model_mid_answer()
    {
        var harness = new Harness();
        harness.Chat.Turn((messages, _) => Enumerable.Range(1, 50).Select(i => (AIContent)new TextContent($"Step {i} [1].\n")).ToList());
        using var cancellation = new CancellationTokenSource();
        var deltas = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in harness.Service().StreamAsync(new AskRequest("CNC-2 spindle E-217"), cancellation.Token))
            {
                if (update is AnswerTextDelta && ++deltas == 2)
                {
                    cancellation.Cancel();
                }
            }
        });

        Assert.True(harness.Chat.SawCancellation);
        Assert.True(harness.Chat.UpdatesYielded < 50);
        Assert.Equal(2, deltas);
    }

    [Fact]
    public async Task Retrieval_uses_the_machine_filter_and_a_technician_gets_the_lockout_section_as_the_last_passage()
    {
        var harness = new Harness([SamplePassages.SpindleFault, SamplePassages.Lockout, SamplePassages.Poisoned]);
        harness.Chat.Text("Replace the filter [1].");

        await harness.StreamAsync(new AskRequest("E-217 spindle overtemperature", Machine: "CNC-2", TopK: 1));

        Assert.All(harness.Index.Queries, q => Assert.Equal("CNC-2", q.Filter!.Machine));
        var documents = Harness.Documents(harness.Chat.Calls[0].Messages);
        Assert.Equal(2, documents.Count);
        Assert.StartsWith("E-217", documents[1]);
        Assert.StartsWith("Lock-out/tag-out", documents[2]);
        Assert.Contains("The user is at machine CNC-2: cnc-machining-centre", harness.Chat.Calls[0].Messages.Single(m => m.Role == ChatRole.User).Text);
    }

    [Fact]
    public async Task Without_a_known_machine_no_lockout_section_of_some_other_machine_is_added()
    {
        var harness = new Harness([SamplePassages.SpindleFault, SamplePassages.Lockout]);
        harness.Chat.Text("Replace the filter [1].");

        await harness.StreamAsync(new AskRequest("E-217 spindle overtemperature", TopK: 1));

        Assert.Single(harness.Index.Queries);
        Assert.Single(Harness.Documents(harness.Chat.Calls[0].Messages));
    }
}
