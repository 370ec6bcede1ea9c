using System.Runtime.CompilerServices;
using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Microsoft.Extensions.AI;
using Assistant.Core.LanguageModel;

namespace Assistant.Core.Tests.Answering;

/// <summary>
/// Test double for the llama.cpp chat client (another project, needs a model file): plays back scripted turns
/// and records what the pipeline sent. Behaves as the real client is specified to: text streams as several
/// TextContent updates, a tool call arrives as one FunctionCallContent update at the end.
/// </summary>
public sealed class ScriptedChatClient_TestDouble : IChatClient
{
    private readonly Queue<Func<IReadOnlyList<ChatMessage>, ChatOptions?, IReadOnlyList<AIContent>>> _turns = new();

    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    /// <summary>Updates handed out so far (for checking that the pipeline streams instead of buffering).</summary>
    public int UpdatesYielded { get; private set; }

    public bool SawCancellation { get; private set; }

    public ScriptedChatClient_TestDouble Text(params string[] tokens)
    {
        _turns.Enqueue((_, _) => tokens.Select(t => (AIContent)new TextContent(t)).ToList());
        return this;
    }

    public ScriptedChatClient_TestDouble ToolCall(string name, Dictionary<string, object?> arguments, string callId = "call-1")
    {
        _turns.Enqueue((_, _) => [new FunctionCallContent(callId, name, arguments)]);
        return this;
    }

    public ScriptedChatClient_TestDouble Turn(Func<IReadOnlyList<ChatMessage>, ChatOptions?, IReadOnlyList<AIContent>> turn)
    {
        _turns.Enqueue(turn);
        return this;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The pipeline streams.");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sent = messages.ToList();
        Calls.Add((sent, options));
        if (_turns.Count == 0)
        {
            throw new InvalidOperationException($"The script has no turn left for call {Calls.Count}.");
        }

        foreach (var content in _turns.Dequeue()(sent, options))
        {
            await Task.Yield();
            if (cancellationToken.IsCancellationRequested)
            {
                SawCancellation = true;
                cancellationToken.ThrowIfCancellationRequested();
            }

            UpdatesYielded++;
            yield return new ChatResponseUpdate(ChatRole.Assistant, [content]);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>
/// Test double for the model host: the scripted client, a context length the test picks, and a stand-in
/// tokenizer that counts words and punctuation marks (the real one needs a model file).
/// </summary>
public sealed class FakeLanguageModelHost_TestDouble(IChatClient? chatClient, int contextLength = 8192) : ILanguageModelHost
{
    public LanguageModelState State => new(ChatClient is not null, ChatClient is null ? "no model configured" : "scripted test model");

    public IChatClient? ChatClient { get; set; } = chatClient;

    public int ContextLength { get; set; } = contextLength;

    public int CountTokens(string text) => CountWords(text);

    /// <summary>The adapters the configuration in these tests names, as a plant's adapters.json would load them.</summary>
    public IReadOnlyList<ModelAdapter> AvailableAdapters { get; set; } =
        [new("maintenance", "maintenance"), new("quality", "quality")];

    public static int CountWords(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}

/// <summary>
/// Test double for the knowledge index (the SQLite one is another project's): ranks passages by how many of the
/// query's words they contain, with the index's filter semantics (machine, line, kind).
/// </summary>
public sealed class InMemoryKnowledgeIndex_TestDouble(IEnumerable<Passage> passages) : IKnowledgeIndex
{
    private readonly List<Passage> _passages = passages.ToList();

    public List<SearchQuery> Queries { get; } = [];

    public Task<IReadOnlyList<ScoredPassage>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Queries.Add(query);
        var words = query.Text.ToLowerInvariant().Split([' ', '?', ',', '.', '-'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 2).ToHashSet();
        IReadOnlyList<ScoredPassage> found = _passages
            .Where(p => query.Filter?.Machine is null || string.Equals(p.Machine, query.Filter.Machine, StringComparison.OrdinalIgnoreCase))
            .Where(p => query.Filter?.Line is null || string.Equals(p.Line, query.Filter.Line, StringComparison.OrdinalIgnoreCase))
            .Where(p => query.Filter?.Kind is null || p.Kind == query.Filter.Kind)
            .Select(p => new ScoredPassage(p, words.Count(w => p.Text.Contains(w, StringComparison.OrdinalIgnoreCase) || p.Title.Contains(w, StringComparison.OrdinalIgnoreCase))))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score)
            .Take(query.TopK)
            .ToList();
        return Task.FromResult(found);
    }

    public Task<PassageInContext?> GetPassageAsync(string id, int neighbours = 1, CancellationToken cancellationToken = default) =>
        Task.FromResult(_passages.FirstOrDefault(p => p.Id == id) is { } p ? new PassageInContext(p, [], []) : null);

    public Task<IReadOnlyCollection<string>> GetMachinesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyCollection<string>>(_passages.Select(p => p.Machine).OfType<string>().Distinct().ToList());

    public Task<IndexStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new IndexStatus(1, _passages.Count, DateTimeOffset.UnixEpoch, false));
}
