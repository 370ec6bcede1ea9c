using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Assistant.Llama.Native;
using Microsoft.Extensions.Logging;

namespace Assistant.Llama.Inference;

/// <summary>
/// Generates text for many conversations at once from one loaded model. Conversations that use the same LoRA
/// adapters share a context (a "lane"): each decode step puts the next token of every active conversation, plus
/// prompt chunks of newly arrived ones, into a single <c>llama_decode</c> call (continuous batching). Lanes come
/// from a pool of <see cref="LlamaOptions.MaxContexts"/> contexts, since adapters are set per context.
/// </summary>
public sealed class LlamaGenerator : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<DecodeLane> _lanes = [];
    private readonly List<Sequence> _unassigned = [];
    private readonly IReadOnlyDictionary<string, LoadedAdapter> _adapters;
    private readonly ILogger _logger;
    private bool _disposed;

    public LlamaGenerator(LlamaModel model, LlamaOptions options, IEnumerable<LoadedAdapter> adapters, ILogger logger)
    {
        Model = model;
        Options = options;
        _logger = logger;
        _adapters = adapters.ToDictionary(a => a.Entry.Name, StringComparer.Ordinal);
        if (options.ParallelSequences > options.BatchSize)
        {
            throw new ArgumentException($"Llama:ParallelSequences ({options.ParallelSequences}) cannot exceed Llama:BatchSize ({options.BatchSize}).");
        }

        // The first lane is made now, so a context that cannot be created fails at startup, not on the first question.
        lock (_gate)
        {
            var lane = new DecodeLane(this, AdapterKey.None);
            _lanes.Add(lane);
            ContextLength = lane.SequenceContext;
        }
    }

    public LlamaModel Model { get; }

    internal LlamaOptions Options { get; }

    internal ILogger Logger => _logger;

    /// <summary>Tokens one conversation may hold.</summary>
    public int ContextLength { get; }

    public IReadOnlyCollection<LoadedAdapter> Adapters => (IReadOnlyCollection<LoadedAdapter>)_adapters.Values;

    /// <summary>Streams the generated text; the last update carries the finish reason and token counts.</summary>
    /// <exception cref="ContextOverflowException">The prompt does not fit one conversation's context.</exception>
    /// <exception cref="ArgumentException">Unknown adapter, bad scale, bad grammar, or token ids outside the vocabulary.</exception>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sequence = Submit(request, cancellationToken);
        try
        {
            var reader = sequence.Updates.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var update))
                {
                    // Text decoded before the cancel is dropped too: the reader asked to stop.
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return update;
                }
            }
        }
        finally
        {
            // The reader stopped early (cancelled, or broke out of the loop): stop decoding at the next step.
            sequence.Abandon();
        }
    }

    /// <summary>Checks the request, builds its sampler and queues it on a lane; exceptions reach the caller here.</summary>
    private Sequence Submit(GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var prompt = request.Prompt.ToArray();
        if (prompt.Length == 0)
        {
            throw new ArgumentException("The prompt is empty; generation needs at least one token.", nameof(request));
        }

        Model.ValidateTokens(prompt);
        if (prompt.Length >= ContextLength)
        {
            throw new ContextOverflowException(prompt.Length, ContextLength);
        }

        if (request.MaxTokens < 1)
        {
            throw new ArgumentException($"MaxTokens must be at least 1, not {request.MaxTokens}.", nameof(request));
        }

        var key = ResolveAdapters(request.Adapters);
        var sampler = SamplerFactory.Create(Model, request.Sampling, request.Grammar);
        var sequence = new Sequence(request, prompt, key, sampler, Model);
        DecodeLane? target;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            target = _lanes.FirstOrDefault(l => l.Key == key)
                ?? _lanes.FirstOrDefault(l => l.IsIdle)?.Rebind(key);
            if (target is null && _lanes.Count < Options.MaxContexts)
            {
                target = new DecodeLane(this, key);
                _lanes.Add(target);
            }

            if (target is null)
            {
                _unassigned.Add(sequence);
            }
            else
            {
                target.Enqueue(sequence);
            }
        }

        sequence.Attach(cancellationToken, target);
        return sequence;
    }

    private AdapterKey ResolveAdapters(IReadOnlyDictionary<string, float>? requested)
    {
        if (requested is null || requested.Count == 0)
        {
            return AdapterKey.None;
        }

        var chosen = new List<(LoadedAdapter Adapter, float Scale)>();
        foreach (var (name, scale) in requested.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!_adapters.TryGetValue(name, out var adapter))
            {
                var known = _adapters.Count == 0 ? "none are loaded" : "loaded: " + string.Join(", ", _adapters.Keys.Order(StringComparer.Ordinal));
                throw new ArgumentException($"Unknown LoRA adapter '{name}' ({known}). Add it to models/adapters/adapters.json or ask for another.", nameof(requested));
            }

            if (!float.IsFinite(scale) || Math.Abs(scale) > 16)
            {
                throw new ArgumentException($"The scale of adapter '{name}' must be a number between -16 and 16, not {scale}.", nameof(requested));
            }

            chosen.Add((adapter, scale));
        }

        var text = string.Join(';', chosen.Select(c => c.Adapter.Entry.Name + "=" + c.Scale.ToString("R", CultureInfo.InvariantCulture)));
        return new AdapterKey(text, chosen);
    }

    /// <summary>Called by a lane that ran out of work: give it the oldest waiting adapter set, if any.</summary>
    internal void OnLaneIdle(DecodeLane lane)
    {
        // Caller holds _gate.
        if (_unassigned.Count == 0)
        {
            return;
        }

        var key = _unassigned[0].Key;
        lane.Rebind(key);
        foreach (var sequence in _unassigned.Where(s => s.Key == key).ToList())
        {
            _unassigned.Remove(sequence);
            lane.Enqueue(sequence);
            sequence.MoveTo(lane);
        }
    }

    internal Lock Gate => _gate;

    internal bool Disposed => _disposed;

    public void Dispose()
    {
        List<DecodeLane> lanes;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            lanes = [.. _lanes];
            foreach (var sequence in _unassigned)
            {
                sequence.Fail(new ObjectDisposedException(nameof(LlamaGenerator), "The model was unloaded."));
            }

            _unassigned.Clear();
        }

        foreach (var lane in lanes)
        {
            lane.Dispose();
        }
    }
}

/// <summary>A set of adapters with scales; <see cref="Text"/> identifies it ("" for the base model).</summary>
internal sealed record AdapterKey(string Text, IReadOnlyList<(LoadedAdapter Adapter, float Scale)> Adapters)
{
    public static AdapterKey None { get; } = new("", []);

    public bool Equals(AdapterKey? other) => other is not null && other.Text == Text;

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
}

internal static class SamplerFactory
{
    private const uint RandomSeed = 0xFFFFFFFF;

    public static SafeLlamaSamplerHandle Create(LlamaModel model, SamplingSettings settings, string? grammar)
    {
        if (!float.IsFinite(settings.Temperature) || settings.TopK < 0 || !(settings.TopP is > 0 and <= 1))
        {
            throw new ArgumentException($"Sampling needs a finite temperature, top-k >= 0 and 0 < top-p <= 1 (got {settings.Temperature}, {settings.TopK}, {settings.TopP}).");
        }

        var chain = SafeLlamaSamplerHandle.CreateChain();
        try
        {
            if (grammar is not null)
            {
                var sampler = LlamaNative.llama_sampler_init_grammar(model.Vocab, grammar, "root");
                if (sampler == nint.Zero)
                {
                    throw new ArgumentException("The output grammar does not parse (llama.cpp wrote the reason to stderr). Check the GBNF or the JSON schema it was made from.", nameof(grammar));
                }

                chain.Add(sampler, "grammar");
            }

            if (settings.Temperature <= 0)
            {
                chain.Add(LlamaNative.llama_sampler_init_greedy(), "greedy");
                return chain;
            }

            if (settings.TopK > 0)
            {
                chain.Add(LlamaNative.llama_sampler_init_top_k(settings.TopK), "top-k");
            }

            if (settings.TopP < 1)
            {
                chain.Add(LlamaNative.llama_sampler_init_top_p(settings.TopP, 1), "top-p");
            }

            chain.Add(LlamaNative.llama_sampler_init_temp(settings.Temperature), "temperature");
            chain.Add(LlamaNative.llama_sampler_init_dist(settings.Seed ?? RandomSeed), "distribution");
            return chain;
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }
}
