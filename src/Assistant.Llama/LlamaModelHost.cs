using System.ComponentModel.DataAnnotations;
using Assistant.Core;
using Assistant.Llama.Inference;
using Assistant.Llama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Assistant.Core.LanguageModel;

namespace Assistant.Llama;

/// <summary>
/// Owns the plant's language model for the life of the process: loads it (at startup, or on first use when the
/// host is not started), its LoRA adapters and the embedding model. A missing or broken file is logged with what
/// to do and leaves the assistant in retrieval-only mode; the process stays up.
/// </summary>
public sealed class LlamaModelHost : ILanguageModelHost, IHostedService, IDisposable
{
    private readonly LlamaOptions _options;
    private readonly string _contentRoot;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<string> _adapterProblems = [];
    private bool _loaded;
    private LanguageModelState _state = new(false, "not loaded yet");
    private LlamaModel? _model;
    private LlamaGenerator? _generator;
    private IReadOnlyList<LoadedAdapter> _adapters = [];
    private LlamaChatClient? _chatClient;
    private Lazy<LlamaEmbeddingGenerator>? _embeddings;
    private LlamaModel? _embeddingModel;
    private bool _disposed;

    public LlamaModelHost(IOptions<LlamaOptions> options, ILogger<LlamaModelHost> logger, IHostEnvironment? environment = null)
    {
        _options = options.Value;
        _logger = logger;
        _contentRoot = environment?.ContentRootPath ?? AssistantPaths.FindContentRoot();
    }

    public LanguageModelState State
    {
        get
        {
            EnsureLoaded();
            return _state;
        }
    }

    public IChatClient? ChatClient
    {
        get
        {
            EnsureLoaded();
            return _chatClient;
        }
    }

    public int ContextLength
    {
        get
        {
            EnsureLoaded();
            return _generator?.ContextLength ?? 0;
        }
    }

    /// <summary>The loaded model, or null in retrieval-only mode.</summary>
    public LlamaModel? Model
    {
        get
        {
            EnsureLoaded();
            return _model;
        }
    }

    public IReadOnlyList<LoadedAdapter> Adapters
    {
        get
        {
            EnsureLoaded();
            return _adapters;
        }
    }

    public IReadOnlyList<ModelAdapter> AvailableAdapters =>
        Adapters.Select(a => new ModelAdapter(a.Entry.Name, a.Entry.Purpose)).ToList();

    /// <summary>Why adapters listed in the manifest were not loaded (empty when all were).</summary>
    public IReadOnlyList<string> AdapterProblems
    {
        get
        {
            EnsureLoaded();
            return _adapterProblems;
        }
    }

    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var model = Model;

        // Without a model, about four characters a token is the usual estimate for English text.
        return model?.CountTokens(text) ?? (text.Length + 3) / 4;
    }

    /// <summary>The embedding model, loaded on first use.</summary>
    /// <exception cref="InvalidOperationException">No embedding model configured, or it cannot be loaded (the message says why).</exception>
    public LlamaEmbeddingGenerator GetEmbeddingGenerator()
    {
        if (string.IsNullOrWhiteSpace(_options.EmbeddingModelPath))
        {
            throw new InvalidOperationException("No embedding model is configured: set Llama:EmbeddingModelPath to an embedding GGUF.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _embeddings ??= new Lazy<LlamaEmbeddingGenerator>(LoadEmbeddings, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        try
        {
            return _embeddings.Value;
        }
        catch (Exception ex) when (ex is LlamaModelLoadException or LlamaRuntimeException)
        {
            throw new InvalidOperationException($"The embedding model is not available: {ex.Message}", ex);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(EnsureLoaded, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void EnsureLoaded()
    {
        if (Volatile.Read(ref _loaded))
        {
            return;
        }

        lock (_gate)
        {
            if (_loaded)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            _state = Load();
            Volatile.Write(ref _loaded, true);
        }
    }

    private LanguageModelState Load()
    {
        if (string.IsNullOrWhiteSpace(_options.ModelPath))
        {
            _logger.LogInformation("No language model configured (Llama:ModelPath is empty): answering in retrieval-only mode");
            return new LanguageModelState(false, "no model configured");
        }

        var path = AssistantPaths.Resolve(_contentRoot, _options.ModelPath);
        try
        {
            var problems = new List<ValidationResult>();
            if (!Validator.TryValidateObject(_options, new ValidationContext(_options), problems, validateAllProperties: true))
            {
                throw new LlamaModelLoadException("The Llama section of appsettings.json is invalid: " + string.Join("; ", problems.Select(p => p.ErrorMessage)));
            }

            _model = LlamaModel.Load(path, _options, _logger);
            var adaptersDir = AssistantPaths.Resolve(_contentRoot, _options.AdaptersPath);
            _adapters = LoraAdapterLoader.LoadAll(_model, adaptersDir, _logger, _adapterProblems);
            _generator = new LlamaGenerator(_model, _options, _adapters, _logger);
            _chatClient = new LlamaChatClient(_generator, _options);
            var adapters = _adapters.Count == 0 ? "" : $", adapters: {string.Join(", ", _adapters.Select(a => a.Entry.Name))}";
            if (_adapterProblems.Count > 0)
            {
                adapters += $" ({_adapterProblems.Count} listed adapter(s) not loaded, see the log)";
            }

            return new LanguageModelState(true, $"{_model.Description}, {_generator.ContextLength} tokens per conversation{adapters}");
        }
        catch (Exception ex) when (ex is LlamaModelLoadException or LlamaRuntimeException or ArgumentException)
        {
            _logger.LogError("Language model not loaded, answering in retrieval-only mode: {Problem}", ex.Message);
            _generator?.Dispose();
            _generator = null;
            _model?.Dispose();
            _model = null;
            return new LanguageModelState(false, $"model not loaded: {Path.GetFileName(path)}", ex.Message);
        }
    }

    private LlamaEmbeddingGenerator LoadEmbeddings()
    {
        var path = AssistantPaths.Resolve(_contentRoot, _options.EmbeddingModelPath);
        try
        {
            _embeddingModel = LlamaModel.Load(path, _options, _logger);
            return new LlamaEmbeddingGenerator(_embeddingModel, _options);
        }
        catch (Exception ex) when (ex is LlamaModelLoadException or LlamaRuntimeException)
        {
            _logger.LogError("Embedding model not loaded: {Problem}", ex.Message);
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _generator?.Dispose();
        foreach (var adapter in _adapters)
        {
            adapter.Handle.Dispose();
        }

        _model?.Dispose();
        if (_embeddings is { IsValueCreated: true })
        {
            _embeddings.Value.Dispose();
        }

        _embeddingModel?.Dispose();
    }
}

/// <summary>
/// The embedding generator as DI hands it out: the model loads on first use, and a model that cannot be loaded
/// gives a clear error on each call instead of stopping the process.
/// </summary>
internal sealed class HostedEmbeddingGenerator(LlamaModelHost host) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        host.GetEmbeddingGenerator().GenerateAsync(values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        try
        {
            return host.GetEmbeddingGenerator().GetService(serviceType, serviceKey);
        }
        catch (InvalidOperationException)
        {
            return null; // no usable embedding model: nothing to describe
        }
    }

    public void Dispose()
    {
        // The host owns the model.
    }
}
