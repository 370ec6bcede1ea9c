using Assistant.Llama.Inference;

namespace Assistant.Llama.Tests;

[Collection(TestModelCollection.Name)]
public sealed class GenerationTests(TestModelFixture fixture)
{
    private int[] Prompt(string user) =>
        fixture.Model.Tokenize(fixture.Model.ApplyChatTemplate([("user", user)]), addSpecial: true, parseSpecial: true);

    [Fact]
    public void Generated_model_loads_with_its_metadata()
    {
        Assert.Equal("shopfloor-test-chat", fixture.Model.Name);
        Assert.Equal(64, fixture.Model.EmbeddingLength);
        Assert.Equal(2048, fixture.Model.TrainedContextLength);
        Assert.Equal(TestModels.TestModelWriter.Vocabulary().Count, fixture.Model.VocabularySize);
        Assert.Equal("CPU", fixture.Model.Backend.Backend);
        Assert.Contains("<|im_start|>", fixture.Model.ChatTemplate);
    }

    [Theory]
    [InlineData("Spindle E-217 overheats after 20 min; check coolant!")]
    [InlineData("Drücke den Not-Aus – 温度 42 °C")]
    [InlineData("")]
    public void Tokenize_then_detokenize_gives_the_text_back(string text)
    {
        var tokens = fixture.Model.Tokenize(text, addSpecial: false);
        Assert.Equal(text, fixture.Model.Detokenize(tokens));
    }

    [Fact]
    public void Chat_template_renders_chatml_turns()
    {
        var prompt = fixture.Model.ApplyChatTemplate([("system", "Be brief."), ("user", "Why does the press stop?")]);
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhy does the press stop?<|im_end|>\n<|im_start|>assistant\n", prompt);
        var tokens = fixture.Model.Tokenize(prompt, addSpecial: true, parseSpecial: true);
        Assert.Equal(fixture.Model.VocabularySize - 2, tokens[0]); // <|im_start|> is one control token
    }

    [Fact]
    public async Task Greedy_generation_is_deterministic()
    {
        var request = new GenerationRequest(Prompt("Which bearing failed?")) { Sampling = SamplingSettings.Greedy, MaxTokens = 24 };
        var first = await fixture.GenerateAsync(request);
        var second = await fixture.GenerateAsync(request);
        Assert.Equal(first.Text, second.Text);
        Assert.True(first.Finish.OutputTokens > 0);
        Assert.Equal(first.Finish, second.Finish);
    }

    [Fact]
    public async Task Same_seed_gives_same_text_and_other_seeds_differ()
    {
        GenerationRequest Request(uint seed) => new(Prompt("List three checks.")) { Sampling = new SamplingSettings(1.0f, 0, 1.0f, seed), MaxTokens = 16, StopAtEndOfGeneration = false };
        var a = await fixture.GenerateAsync(Request(7));
        var b = await fixture.GenerateAsync(Request(7));
        Assert.Equal(a.Text, b.Text);
        var others = new List<string>();
        for (uint seed = 8; seed < 12; seed++)
        {
            others.Add((await fixture.GenerateAsync(Request(seed))).Text);
        }

        Assert.Contains(others, o => o != a.Text);
    }

    [Fact]
    public async Task Max_tokens_ends_with_length()
    {
        var (_, finish) = await fixture.GenerateAsync(new GenerationRequest(Prompt("Go on.")) { MaxTokens = 5, StopAtEndOfGeneration = false, Sampling = SamplingSettings.Greedy });
        Assert.Equal(GenerationFinishReason.Length, finish.Reason);
        Assert.Equal(5, finish.OutputTokens);
    }
}
