using Assistant.Llama.Native;
using Microsoft.Extensions.Logging;

namespace Assistant.Llama.Inference;

/// <summary>
/// One llama.cpp context with its own decode thread, serving up to <see cref="LlamaOptions.ParallelSequences"/>
/// conversations that share an adapter set. Every step decodes one token of each generating conversation and a
/// fair share of the pending prompts in a single batch; the start of the round-robin moves every step, so a long
/// answer or a long prompt never starves the others.
/// </summary>
internal sealed unsafe class DecodeLane : IDisposable
{
    private readonly LlamaGenerator _owner;
    private readonly SafeLlamaContextHandle _context;
    private readonly nint _memory;
    private readonly LlamaBatch _batch;
    private readonly int _batchCapacity;
    private readonly Sequence?[] _slots;
    private readonly Queue<Sequence> _waiting = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;
    private readonly byte[] _piece = new byte[256];
    private AdapterKey? _applied;
    private int _active;
    private int _roundRobin;
    private volatile bool _stopping;

    public DecodeLane(LlamaGenerator owner, AdapterKey key)
    {
        _owner = owner;
        Key = key;
        var options = owner.Options;
        var parameters = LlamaNative.llama_context_default_params();
        parameters.ContextSize = (uint)(options.ContextSize * options.ParallelSequences);
        parameters.BatchSize = (uint)options.BatchSize;
        parameters.MicroBatchSize = (uint)options.BatchSize;
        parameters.MaxSequences = (uint)options.ParallelSequences;
        parameters.Threads = options.EffectiveThreads;
        parameters.BatchThreads = options.EffectiveThreads;
        // One KV buffer shared by the conversations (each still limited to ContextSize by the generator): a lone
        // conversation then decodes exactly like a single-sequence context, which measured faster than split buffers.
        parameters.KvUnified = options.UnifiedKvCache ? (byte)1 : (byte)0;
        parameters.NoPerf = 1;
        _context = SafeLlamaContextHandle.Create(owner.Model.Handle, parameters)
            ?? throw new LlamaModelLoadException(
                $"llama.cpp could not create a context of {parameters.ContextSize} tokens: {LlamaRuntime.TakeLastError() ?? "see the log"}. Lower Llama:ContextSize or Llama:ParallelSequences.");
        _memory = LlamaNative.llama_get_memory(_context);
        SequenceContext = options.UnifiedKvCache ? options.ContextSize : (int)LlamaNative.llama_n_ctx_seq(_context);
        _batchCapacity = (int)LlamaNative.llama_n_batch(_context);
        _slots = new Sequence?[(int)LlamaNative.llama_n_seq_max(_context)];
        _batch = LlamaNative.llama_batch_init(_batchCapacity, 0, 1);
        _thread = new Thread(Run) { IsBackground = true, Name = "llama decode" };
        _thread.Start();
    }

    public AdapterKey Key { get; private set; }

    public int SequenceContext { get; }

    /// <summary>No conversation running or waiting; read under the generator's lock.</summary>
    public bool IsIdle => _active == 0 && _waiting.Count == 0;

    public DecodeLane Rebind(AdapterKey key)
    {
        Key = key;
        return this;
    }

    public void Enqueue(Sequence sequence)
    {
        _waiting.Enqueue(sequence);
        Wake();
    }

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                AdapterKey key;
                lock (_owner.Gate)
                {
                    if (_active == 0 && _waiting.Count == 0)
                    {
                        _owner.OnLaneIdle(this);
                    }

                    Admit();
                    key = Key;
                }

                if (_active == 0)
                {
                    _signal.Wait();
                    continue;
                }

                if (!ReferenceEquals(_applied, key) && _applied?.Text != key.Text)
                {
                    ApplyAdapters(key);
                }

                Step();
            }
        }
        catch (Exception ex)
        {
            _owner.Logger.LogError(ex, "The llama.cpp decode loop stopped");
            FailAll(ex);
        }
    }

    /// <summary>Moves waiting conversations into free slots. Caller holds the generator's lock.</summary>
    private void Admit()
    {
        for (var slot = 0; slot < _slots.Length && _waiting.Count > 0; slot++)
        {
            if (_slots[slot] is null)
            {
                var sequence = _waiting.Dequeue();
                sequence.SequenceId = slot;
                _slots[slot] = sequence;
                _active++;
            }
        }
    }

    private void ApplyAdapters(AdapterKey key)
    {
        var count = key.Adapters.Count;
        var handles = stackalloc nint[Math.Max(1, count)];
        var scales = stackalloc float[Math.Max(1, count)];
        for (var i = 0; i < count; i++)
        {
            handles[i] = key.Adapters[i].Adapter.Handle.DangerousGetHandle();
            scales[i] = key.Adapters[i].Scale;
        }

        // (NULL, 0, NULL) clears the set; a NULL array with a count aborts the process, hence the two calls.
        var result = count == 0
            ? LlamaNative.llama_set_adapters_lora(_context, null, 0, null)
            : LlamaNative.llama_set_adapters_lora(_context, handles, (nuint)count, scales);
        if (result != 0)
        {
            throw new InvalidOperationException($"llama.cpp refused the adapter set '{key.Text}' (code {result}).");
        }

        _applied = key;
        _owner.Logger.LogDebug("Context now uses adapters '{Adapters}'", key.Text.Length == 0 ? "(none)" : key.Text);
    }

    private void Step()
    {
        var batch = _batch;
        var count = 0;
        var start = _roundRobin++ % _slots.Length;

        // Drop the conversations whose readers left: decoding stops within one token of a cancel.
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { Abandoned: true } gone)
            {
                Finish(gone, error: new OperationCanceledException("The request was cancelled."));
            }
        }

        var prompting = 0;
        for (var k = 0; k < _slots.Length; k++)
        {
            var sequence = _slots[(start + k) % _slots.Length];
            if (sequence is null)
            {
                continue;
            }

            sequence.BatchIndex = -1;
            if (!sequence.PromptDone)
            {
                prompting++;
                continue;
            }

            sequence.BatchIndex = count;
            Add(ref count, sequence.NextToken, sequence.Position, sequence.SequenceId, output: true);
            sequence.Position++;
        }

        for (var k = 0; k < _slots.Length && prompting > 0; k++)
        {
            var sequence = _slots[(start + k) % _slots.Length];
            if (sequence is null || sequence.PromptDone)
            {
                continue;
            }

            var share = Math.Max(1, (_batchCapacity - count) / prompting--);
            var take = Math.Min(share, sequence.Prompt.Length - sequence.PromptCursor);
            take = Math.Min(take, _batchCapacity - count);
            for (var t = 0; t < take; t++)
            {
                var last = sequence.PromptCursor + 1 == sequence.Prompt.Length;
                if (last)
                {
                    sequence.BatchIndex = count;
                }

                Add(ref count, sequence.Prompt[sequence.PromptCursor], sequence.Position, sequence.SequenceId, output: last);
                sequence.PromptCursor++;
                sequence.Position++;
            }
        }

        if (count == 0)
        {
            return;
        }

        batch.TokenCount = count;
        var result = LlamaNative.llama_decode(_context, batch);
        if (result != 0)
        {
            var error = new InvalidOperationException(result switch
            {
                1 => "llama.cpp found no room in the context for this step. Lower Llama:ParallelSequences or raise Llama:ContextSize.",
                2 => "llama.cpp aborted the decode step.",
                _ => $"llama_decode failed with code {result}: {LlamaRuntime.TakeLastError() ?? "see the log"}.",
            });
            foreach (var sequence in _slots)
            {
                if (sequence is not null)
                {
                    Finish(sequence, error: error);
                }
            }

            return;
        }

        foreach (var sequence in _slots)
        {
            if (sequence is null || sequence.BatchIndex < 0)
            {
                continue;
            }

            var token = LlamaNative.llama_sampler_sample(sequence.Sampler, _context, sequence.BatchIndex);
            sequence.OutputTokens++;
            var model = sequence.Model;
            if (sequence.Request.StopAtEndOfGeneration && model.IsEndOfGeneration(token))
            {
                Finish(sequence, GenerationFinishReason.Stop);
                continue;
            }

            var length = model.TokenToPiece(token, _piece);
            if (!sequence.Emit(_piece.AsSpan(0, length)))
            {
                Finish(sequence, GenerationFinishReason.Stop);
                continue;
            }

            if (sequence.OutputTokens >= sequence.Request.MaxTokens || sequence.Position + 1 > SequenceContext)
            {
                Finish(sequence, GenerationFinishReason.Length);
                continue;
            }

            sequence.NextToken = token;
        }
    }

    private void Add(ref int count, int token, int position, int sequenceId, bool output)
    {
        var batch = _batch;
        batch.Tokens[count] = token;
        batch.Positions[count] = position;
        batch.SequenceIdCounts[count] = 1;
        batch.SequenceIds[count][0] = sequenceId;
        batch.Logits[count] = output ? (sbyte)1 : (sbyte)0;
        count++;
    }

    private void Finish(Sequence sequence, GenerationFinishReason reason = GenerationFinishReason.Stop, Exception? error = null)
    {
        LlamaNative.llama_memory_seq_rm(_memory, sequence.SequenceId, -1, -1);
        lock (_owner.Gate)
        {
            _slots[sequence.SequenceId] = null;
            _active--;
        }

        if (error is null)
        {
            sequence.Complete(reason);
        }
        else
        {
            sequence.Fail(error);
        }
    }

    private void FailAll(Exception error)
    {
        lock (_owner.Gate)
        {
            foreach (var sequence in _slots.Where(s => s is not null).Concat(_waiting))
            {
                sequence!.Fail(error);
            }

            Array.Clear(_slots);
            _waiting.Clear();
            _active = 0;
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Wake();
        _thread.Join();
        FailAll(new ObjectDisposedException(nameof(LlamaGenerator), "The model was unloaded."));
        LlamaNative.llama_batch_free(_batch);
        _context.Dispose();
        _signal.Dispose();
    }
}
