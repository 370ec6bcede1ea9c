using Assistant.Core;
using Assistant.Llama.Inference;

namespace Assistant.Llama.Tests;

[Collection(TestModelCollection.Name)]
public sealed class SchedulingTests(TestModelFixture fixture)
{
    private int[] Prompt(string user) =>
        fixture.Model.Tokenize(fixture.Model.ApplyChatTemplate([("user", user)]), addSpecial: true, parseSpecial: true);

    [Fact]
    public async Task A_long_answer_does_not_starve_a_short_one()
    {
        var longTokens = 0;
        var longStarted = new TaskCompletionSource();
        var longRun = Task.Run(async () =>
        {
            await foreach (var update in fixture.Generator.GenerateAsync(new GenerationRequest(Prompt("Write the full maintenance manual.")) { MaxTokens = 600, StopAtEndOfGeneration = false, Sampling = SamplingSettings.Greedy }))
            {
                Volatile.Write(ref longTokens, update.OutputTokens);
                longStarted.TrySetResult();
            }
        });
        await longStarted.Task;

        var (_, shortFinish) = await fixture.GenerateAsync(new GenerationRequest(Prompt("Yes or no?")) { MaxTokens = 5, StopAtEndOfGeneration = false, Sampling = SamplingSettings.Greedy });
        var longWhenShortDone = Volatile.Read(ref longTokens);
        await longRun;

        Assert.Equal(5, shortFinish.OutputTokens);
        Assert.True(longWhenShortDone < 600, $"the short answer finished while the long one was at token {longWhenShortDone}");
    }

    [Fact]
    public async Task More_conversations_than_slots_all_finish()
    {
        var requests = Enumerable.Range(0, fixture.Options.ParallelSequences * 3)
            .Select(i => fixture.GenerateAsync(new GenerationRequest(Prompt($"Line {i}?")) { MaxTokens = 6, StopAtEndOfGeneration = false }))
            .ToList();
        var results = await Task.WhenAll(requests);
        Assert.All(results, r => Assert.Equal(6, r.Finish.OutputTokens));
    }

    [Fact]
    public void The_committed_adapter_manifest_reads()
    {
        var root = AssistantPaths.FindContentRoot();
        var manifest = Path.Combine(root, "models", "adapters", AdapterManifest.FileName);
        Assert.True(File.Exists(manifest), manifest);
        Assert.Empty(AdapterManifest.Read(manifest));
    }
}
