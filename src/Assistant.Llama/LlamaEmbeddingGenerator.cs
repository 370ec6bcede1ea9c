using Assistant.Llama.Native;
using Microsoft.Extensions.AI;

namespace Assistant.Llama;

/// <summary>
/// Sentence embeddings from an embedding GGUF with mean or CLS pooling, L2-normalised (so a dot product is the
/// cosine). Several texts go into one decode call as separate sequences. Texts longer than
/// <see cref="LlamaOptions.EmbeddingContextSize"/> tokens are cut there, as embedding models are trained on
/// bounded inputs.
/// </summary>
public sealed class LlamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int MaxSequences = 8;

    private readonly LlamaModel _model;
    private readonly SafeLlamaContextHandle _context;
    private readonly nint _memory;
    private readonly int _maxTokensPerText;
    private readonly int _batchCapacity;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata;

    public LlamaEmbeddingGenerator(LlamaModel model, LlamaOptions options)
    {
        _model = model;
        Pooling = ChoosePooling(model, options.EmbeddingPooling);
        _maxTokensPerText = Math.Min(options.EmbeddingContextSize, Math.Max(16, model.TrainedContextLength));
        var parameters = LlamaNative.llama_context_default_params();
        parameters.ContextSize = (uint)(_maxTokensPerText * 4);
        parameters.BatchSize = parameters.ContextSize;
        parameters.MicroBatchSize = parameters.ContextSize; // a pooled sequence must sit in one micro-batch
        parameters.MaxSequences = MaxSequences;
        parameters.KvUnified = 1;
        parameters.Embeddings = 1;
        parameters.PoolingType = (int)Pooling;
        parameters.Threads = options.EffectiveThreads;
        parameters.BatchThreads = options.EffectiveThreads;
        parameters.NoPerf = 1;
        _context = SafeLlamaContextHandle.Create(model.Handle, parameters)
            ?? throw new LlamaModelLoadException($"llama.cpp could not create an embedding context for {model.Name}: {LlamaRuntime.TakeLastError() ?? "see the log"}.");
        _memory = LlamaNative.llama_get_memory(_context);
        _batchCapacity = (int)LlamaNative.llama_n_batch(_context);
        _metadata = new EmbeddingGeneratorMetadata("llama.cpp", null, model.Name, model.EmbeddingLength);
    }

    public int Dimensions => _model.EmbeddingLength;

    internal LlamaPoolingType Pooling { get; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        if (options?.Dimensions is { } dims && dims != Dimensions)
        {
            throw new ArgumentException($"{_model.Name} makes {Dimensions}-dimensional embeddings, not {dims}.", nameof(options));
        }

        var tokenized = texts.Select(Tokenize).ToList();
        var vectors = new float[texts.Count][];
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Run(() =>
            {
                var next = 0;
                while (next < tokenized.Count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var first = next;
                    var tokens = 0;
                    while (next < tokenized.Count && next - first < MaxSequences && tokens + tokenized[next].Length <= _batchCapacity)
                    {
                        tokens += tokenized[next++].Length;
                    }

                    DecodeGroup(tokenized, first, next, tokens, vectors);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = _model.Name, CreatedAt = DateTimeOffset.UtcNow }))
        {
            Usage = new UsageDetails { InputTokenCount = tokenized.Sum(t => t.Length) },
        };
        return result;
    }

    private int[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = _model.Tokenize(text, addSpecial: true, parseSpecial: false);
        if (tokens.Length == 0)
        {
            // An empty text still needs one token to pool over.
            tokens = [LlamaNative.llama_vocab_bos(_model.Vocab) is var bos and >= 0 ? bos : LlamaNative.llama_vocab_eos(_model.Vocab)];
        }

        return tokens.Length > _maxTokensPerText ? tokens[.._maxTokensPerText] : tokens;
    }

    private unsafe void DecodeGroup(List<int[]> tokenized, int first, int end, int total, float[][] vectors)
    {
        var batch = LlamaNative.llama_batch_init(total, 0, 1);
        try
        {
            var i = 0;
            for (var text = first; text < end; text++)
            {
                var tokens = tokenized[text];
                for (var p = 0; p < tokens.Length; p++, i++)
                {
                    batch.Tokens[i] = tokens[p];
                    batch.Positions[i] = p;
                    batch.SequenceIdCounts[i] = 1;
                    batch.SequenceIds[i][0] = text - first;
                    batch.Logits[i] = 1;
                }
            }

            batch.TokenCount = total;
            LlamaNative.llama_memory_clear(_memory, data: true);
            var result = LlamaNative.llama_decode(_context, batch);
            if (result != 0)
            {
                throw new InvalidOperationException($"llama_decode failed with code {result} while embedding: {LlamaRuntime.TakeLastError() ?? "see the log"}.");
            }

            for (var text = first; text < end; text++)
            {
                var pooled = LlamaNative.llama_get_embeddings_seq(_context, text - first);
                if (pooled is null)
                {
                    throw new InvalidOperationException($"{_model.Name} gave no pooled embedding; set Llama:EmbeddingPooling to mean or cls.");
                }

                vectors[text] = Normalize(new ReadOnlySpan<float>(pooled, Dimensions));
            }
        }
        finally
        {
            LlamaNative.llama_batch_free(batch);
        }
    }

    private static float[] Normalize(ReadOnlySpan<float> values)
    {
        var vector = values.ToArray();
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(vector));
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private static LlamaPoolingType ChoosePooling(LlamaModel model, LlamaEmbeddingPooling configured) => configured switch
    {
        LlamaEmbeddingPooling.Mean => LlamaPoolingType.Mean,
        LlamaEmbeddingPooling.Cls => LlamaPoolingType.Cls,
        _ => model.File.GetInteger($"{model.File.Architecture}.pooling_type") switch
        {
            2 => LlamaPoolingType.Cls,
            _ => LlamaPoolingType.Mean,
        },
    };

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        _context.Dispose();
        _gate.Dispose();
    }
}
