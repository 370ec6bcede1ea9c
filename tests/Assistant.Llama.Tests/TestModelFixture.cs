using Assistant.Llama.Inference;
using Assistant.Llama.TestModels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Llama.Tests;

/// <summary>Generates the small test models once (with make-test-model's code) and loads the chat model.</summary>
public sealed class TestModelFixture : IDisposable
{
    public TestModelFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "llama-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Models = TestModelWriter.WriteSet(Directory);
        Options = new LlamaOptions
        {
            ModelPath = Models.ChatModelPath,
            EmbeddingModelPath = Models.EmbeddingModelPath,
            AdaptersPath = Models.AdaptersPath,
            Gpu = LlamaGpuMode.Cpu,
            ContextSize = 2048,
            ParallelSequences = 4,
            MaxContexts = 2,
            BatchSize = 256,
            Threads = 1,
        };
        Model = LlamaModel.Load(Models.ChatModelPath, Options, NullLogger.Instance);
        Adapters = LoraAdapterLoader.LoadAll(Model, Models.AdaptersPath, NullLogger.Instance);
        Generator = new LlamaGenerator(Model, Options, Adapters, NullLogger.Instance);
        ChatClient = new LlamaChatClient(Generator, Options);
        EmbeddingModel = LlamaModel.Load(Models.EmbeddingModelPath, Options, NullLogger.Instance);
        Embeddings = new LlamaEmbeddingGenerator(EmbeddingModel, Options);
    }

    public LlamaChatClient ChatClient { get; }

    public LlamaModel EmbeddingModel { get; }

    public LlamaEmbeddingGenerator Embeddings { get; }

    public string Directory { get; }

    public TestModelSet Models { get; }

    public LlamaOptions Options { get; }

    public LlamaModel Model { get; }

    public IReadOnlyList<LoadedAdapter> Adapters { get; }

    public LlamaGenerator Generator { get; }

    public void Dispose()
    {
        Embeddings.Dispose();
        EmbeddingModel.Dispose();
        Generator.Dispose();
        foreach (var adapter in Adapters)
        {
            adapter.Handle.Dispose();
        }

        Model.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs a generation to its end and returns the text and how it finished.</summary>
    public async Task<(string Text, GenerationFinish Finish)> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        GenerationFinish? finish = null;
        await foreach (var update in Generator.GenerateAsync(request, cancellationToken))
        {
            text.Append(update.Text);
            finish ??= update.Finish;
        }

        return (text.ToString(), finish ?? throw new InvalidOperationException("no finish update"));
    }
}

[CollectionDefinition(Name)]
public sealed class TestModelCollection : ICollectionFixture<TestModelFixture>
{
    public const string Name = "generated llama models";
}
