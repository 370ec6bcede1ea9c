using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Microsoft.Extensions.AI;
using Assistant.Core.Security;
using Assistant.Core.Answering.Composition;

namespace Assistant.Core.Tests.Answering;

public sealed class PromptBudgetTests
{
    private static Passage Filler(int rank) => new(
        $"filler-{rank}", "manuals/cnc-machining-centre-vmc850.md", DocumentKind.Manual, "VMC-850 manual", ["Coolant", $"Part {rank}"], rank * 10, rank * 10 + 9,
        $"coolant spindle note {rank}: " + string.Join(' ', Enumerable.Repeat($"coolant{rank}", 60 - rank)), Machine: "CNC-2");

    private static int PromptTokens(IEnumerable<ChatMessage> messages, AssistantOptions options) =>
        messages.Sum(m => FakeLanguageModelHost_TestDouble.CountWords(m.Text) + options.MessageOverheadTokens);

    [Fact]
    public async Task Lowest_ranked_passages_are_dropped_until_the_prompt_fits_the_context_with_room_for_the_answer()
    {
        var passages = Enumerable.Range(1, 8).Select(Filler).ToList();
        var harness = new Harness(passages, contextLength: 1200, configure: o => o.AnswerTokens = 300);
        harness.Chat.Turn((messages, _) => [new TextContent($"Check the coolant [{Harness.Documents(messages).Keys.Min()}].")]);

        var updates = await harness.StreamAsync(new AskRequest("coolant spindle", TopK: 8, Role: UserRole.Engineer));

        var sent = harness.Chat.Calls[0].Messages;
        Assert.True(PromptTokens(sent, harness.Options) <= 1200 - 300, "prompt must leave AnswerTokens free");
        var given = Harness.Documents(sent);
        Assert.InRange(given.Count, 1, 7);
        // The kept passages are the best-ranked ones: 1..k, with no gap.
        Assert.Equal(Enumerable.Range(1, given.Count), given.Keys.Order());
        Assert.Contains("coolant1 ", given[1]);
        Assert.Equal(300, harness.Chat.Calls[0].Options!.MaxOutputTokens);
        Assert.Contains(Harness.Final(updates).Notes, n => n.Contains("lower-ranked passage(s) were left out"));
    }

    [Fact]
    public async Task The_oldest_history_goes_first_and_the_latest_turns_stay()
    {
        var history = Enumerable.Range(1, 30)
            .Select(i => new ChatTurn(i % 2 == 1 ? "user" : "assistant", $"turn{i} " + string.Join(' ', Enumerable.Repeat("words", 40))))
            .ToList();
        var harness = new Harness(contextLength: 1500, configure: o => o.AnswerTokens = 200);
        harness.Chat.Turn((messages, _) => [new TextContent($"Replace the chiller filter [{Harness.NumberOf(messages, SamplePassages.SpindleFault)}].")]);

        var updates = await harness.StreamAsync(new AskRequest("And the CNC-2 spindle E-217 filter?", Role: UserRole.Engineer, History: history));

        var sent = harness.Chat.Calls[0].Messages;
        Assert.True(PromptTokens(sent, harness.Options) <= 1500 - 200);
        var kept = sent.Where(m => m.Text.StartsWith("turn", StringComparison.Ordinal)).Select(m => m.Text.Split(' ')[0]).ToList();
        Assert.NotEmpty(kept);
        Assert.True(kept.Count < 30);
        Assert.Equal("turn30", kept[^1]);
        Assert.DoesNotContain("turn1", kept);
        // The kept turns are the most recent ones, in order.
        Assert.Equal(Enumerable.Range(31 - kept.Count, kept.Count).Select(i => $"turn{i}"), kept);
        // The grounding passage survived the trimming.
        Assert.Contains(Harness.Documents(sent).Values, d => d == SamplePassages.SpindleFault.Text);
        Assert.Contains(Harness.Final(updates).Notes, n => n.Contains("oldest message(s)"));
    }

    [Fact]
    public async Task Earlier_answers_lose_their_citation_numbers_so_they_cannot_be_confused_with_this_prompts_passages()
    {
        var harness = new Harness();
        harness.Chat.Turn((messages, _) => [new TextContent($"Yes [{Harness.NumberOf(messages, SamplePassages.SpindleFault)}].")]);

        await harness.StreamAsync(new AskRequest("Same for CNC-2 spindle E-217?", History: [new("user", "What is E-217?"), new("assistant", "Spindle overtemperature [4].")]));

        var earlier = harness.Chat.Calls[0].Messages.Single(m => m.Role == ChatRole.Assistant);
        Assert.Equal("Spindle overtemperature.", earlier.Text);
    }

    [Fact]
    public async Task A_context_too_small_for_the_question_and_instructions_is_a_clear_error()
    {
        var harness = new Harness(contextLength: 600, configure: o => o.AnswerTokens = 512);

        var error = await Assert.ThrowsAsync<PromptBudgetExceededException>(() =>
            harness.StreamAsync(new AskRequest("CNC-2 spindle E-217 overtemperature, what now?")));

        Assert.Contains("context of 600 tokens", error.Message);
        Assert.Contains("Llama:ContextSize", error.Message);
        Assert.Empty(harness.Chat.Calls);
    }
}
