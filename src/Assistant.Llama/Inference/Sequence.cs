using System.Text;
using System.Threading.Channels;
using Assistant.Llama.Native;

namespace Assistant.Llama.Inference;

/// <summary>One conversation being generated: its prompt, its place in a lane's context and its output channel.</summary>
internal sealed class Sequence
{
    private readonly TokenTextDecoder _decoder = new();
    private readonly StringBuilder _text = new();
    private readonly StopSequenceFilter _stops;
    private CancellationTokenRegistration _registration;
    private DecodeLane? _lane;
    private volatile bool _abandoned;

    public Sequence(GenerationRequest request, int[] prompt, AdapterKey key, SafeLlamaSamplerHandle sampler, LlamaModel model)
    {
        Request = request;
        Prompt = prompt;
        Key = key;
        Sampler = sampler;
        Model = model;
        _stops = new StopSequenceFilter(request.StopSequences);
    }

    public GenerationRequest Request { get; }

    public int[] Prompt { get; }

    public AdapterKey Key { get; }

    public SafeLlamaSamplerHandle Sampler { get; }

    public LlamaModel Model { get; }

    public Channel<GenerationUpdate> Updates { get; } = Channel.CreateUnbounded<GenerationUpdate>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });

    /// <summary>The slot (sequence id) in the lane's context; -1 while waiting.</summary>
    public int SequenceId { get; set; } = -1;

    /// <summary>Prompt tokens already decoded.</summary>
    public int PromptCursor { get; set; }

    /// <summary>Tokens of this sequence in the context.</summary>
    public int Position { get; set; }

    public int NextToken { get; set; }

    public int OutputTokens { get; set; }

    /// <summary>Index of this sequence's output row in the current batch; -1 when it has none.</summary>
    public int BatchIndex { get; set; } = -1;

    public bool PromptDone => PromptCursor == Prompt.Length;

    public bool Abandoned => _abandoned;

    public void Attach(CancellationToken cancellationToken, DecodeLane? lane)
    {
        _lane = lane;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.Register(static s => ((Sequence)s!).Abandon(), this);
        }
    }

    public void MoveTo(DecodeLane lane) => _lane = lane;

    /// <summary>The reader is gone: the lane drops this sequence at its next step.</summary>
    public void Abandon()
    {
        if (_abandoned)
        {
            return;
        }

        _abandoned = true;
        _lane?.Wake();
    }

    /// <summary>Turns the bytes of a sampled token into text (multi-byte characters may span tokens).</summary>
    /// <returns>False when a stop sequence ended the text.</returns>
    public bool Emit(ReadOnlySpan<byte> piece)
    {
        if (piece.IsEmpty)
        {
            return true;
        }

        _decoder.Append(piece, _text);
        if (_text.Length > 0)
        {
            Write(_stops.Push(_text.ToString()));
            _text.Clear();
        }

        return !_stops.Stopped;
    }

    public void Complete(GenerationFinishReason reason)
    {
        _decoder.Flush(_text);
        Write(_stops.Push(_text.ToString()));
        Write(_stops.Flush());
        Updates.Writer.TryWrite(new GenerationUpdate("", new GenerationFinish(reason, Prompt.Length, OutputTokens), OutputTokens));
        Updates.Writer.TryComplete();
        Release();
    }

    public void Fail(Exception error)
    {
        Updates.Writer.TryComplete(error);
        Release();
    }

    private void Write(string text)
    {
        if (text.Length > 0)
        {
            Updates.Writer.TryWrite(new GenerationUpdate(text, OutputTokens: OutputTokens));
        }
    }

    private void Release()
    {
        _registration.Dispose();
        Sampler.Dispose();
    }
}
