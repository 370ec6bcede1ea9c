using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Assistant.Core.LanguageModel;

namespace Assistant.Llama.Tests;

[Collection(TestModelCollection.Name)]
public sealed class ModelHostTests(TestModelFixture fixture)
{
    private LlamaModelHost Host(Action<LlamaOptions> configure)
    {
        var options = new LlamaOptions { Gpu = LlamaGpuMode.Cpu, ContextSize = 512, ParallelSequences = 2, Threads = 1, AdaptersPath = fixture.Models.AdaptersPath };
        configure(options);
        return new LlamaModelHost(Options.Create(options), NullLogger<LlamaModelHost>.Instance);
    }

    [Fact]
    public void Without_a_model_path_the_assistant_is_retrieval_only()
    {
        using var host = Host(o => o.ModelPath = "");
        Assert.False(host.State.Available);
        Assert.Equal("no model configured", host.State.Description);
        Assert.Null(host.State.Error);
        Assert.Null(host.ChatClient);
        Assert.Equal(0, host.ContextLength);
        Assert.Equal(3, host.CountTokens("ten chars!"));
    }

    [Fact]
    public void A_missing_model_leaves_the_process_up_with_a_clear_error()
    {
        using var host = Host(o => o.ModelPath = "/plant/models/missing.gguf");
        Assert.False(host.State.Available);
        Assert.Contains("/plant/models/missing.gguf", host.State.Error);
        Assert.Contains("make-test-model", host.State.Error);
        Assert.Null(host.ChatClient);
    }

    [Fact]
    public void Invalid_settings_are_reported_not_thrown()
    {
        using var host = Host(o => { o.ModelPath = fixture.Models.ChatModelPath; o.ContextSize = 3; });
        Assert.False(host.State.Available);
        Assert.Contains("ContextSize", host.State.Error);
    }

    [Fact]
    public async Task A_good_model_answers_through_the_host()
    {
        using var host = Host(o => o.ModelPath = fixture.Models.ChatModelPath);
        await host.StartAsync(CancellationToken.None);
        Assert.True(host.State.Available, host.State.Error);
        Assert.Contains("chat.gguf on the CPU", host.State.Description);
        Assert.Contains("test-maintenance", host.State.Description);
        Assert.Equal(512, host.ContextLength);
        Assert.Equal(fixture.Model.CountTokens("Spindle E-217"), host.CountTokens("Spindle E-217"));
        var response = await host.ChatClient!.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 3 });
        Assert.NotNull(response.FinishReason);
    }

    [Fact]
    public async Task AddLlama_registers_host_chat_client_and_embeddings_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llama:ModelPath"] = fixture.Models.ChatModelPath,
            ["Llama:EmbeddingModelPath"] = fixture.Models.EmbeddingModelPath,
            ["Llama:AdaptersPath"] = fixture.Models.AdaptersPath,
            ["Llama:Gpu"] = "cpu",
            ["Llama:ContextSize"] = "512",
            ["Llama:Threads"] = "1",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddLlama(configuration).BuildServiceProvider();
        var host = provider.GetRequiredService<ILanguageModelHost>();
        Assert.True(host.State.Available, host.State.Error);
        Assert.Same(host.ChatClient, provider.GetRequiredService<IChatClient>());
        var embeddings = await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["pump"]);
        Assert.Equal(64, embeddings[0].Vector.Length);
    }

    [Fact]
    public void AddLlama_without_embedding_model_registers_no_embedding_generator()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Llama:ModelPath"] = "" }).Build();
        using var provider = new ServiceCollection().AddLogging().AddLlama(configuration).BuildServiceProvider();
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.False(provider.GetRequiredService<ILanguageModelHost>().State.Available);
        Assert.Null(provider.GetService<IChatClient>());
    }
}
