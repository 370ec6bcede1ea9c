using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Tools;
using Microsoft.Extensions.AI;

namespace Assistant.Core.Answering.Model;

/// <summary>
/// Sits between Semantic Kernel's tool loop and the model, for one answer. Before every model call it refits the
/// prompt (instructions, passages, history and the tool exchange so far) into the model's context, so tool results
/// push out low-ranked passages rather than overflow it, and shows the model each tool with its own schema
/// (<see cref="PlantTools.AsOffered"/>). In the round that forces a tool (the only round whose tool mode is required)
/// it forces that tool by name and pins the arguments the question named in its schema, so the grammar writes them.
/// The tool loop above keeps the kernel's functions: what it invokes, and the filters with them, do not change.
/// </summary>
internal sealed class ToolRoundChatClient : DelegatingChatClient
{
    private readonly PromptBuilder _prompts;
    private readonly PlantTools _tools;
    private readonly AskRequest _request;
    private readonly IReadOnlyList<NumberedPassage> _ranked;
    private readonly PinnedArguments? _pinned;
    private readonly string? _forced;
    private readonly int _promptMessages;

    /// <param name="forcedTool">The tool the first round must call (its own name), or null.</param>
    /// <param name="offered">The tools the first call offers, for the prompt's token budget.</param>
    public ToolRoundChatClient(
        IChatClient model, PromptBuilder prompts, PlantTools tools, AskRequest request, IReadOnlyList<NumberedPassage> ranked,
        string? forcedTool, PinnedArguments? pinned, IEnumerable<AITool> offered)
        : base(model)
    {
        _prompts = prompts;
        _tools = tools;
        _request = request;
        _ranked = ranked;
        _forced = forcedTool is null ? null : PlantTools.ModelName(forcedTool);
        _pinned = pinned;
        Prompt = prompts.Build(request, ranked, [], [.. offered.Select(tools.AsOffered).OfType<AIFunctionDeclaration>()]);
        Given = Prompt.Passages.Select(p => p.Number).ToHashSet();
        _promptMessages = Prompt.Messages.Count;
    }

    /// <summary>The prompt of the latest model call.</summary>
    public AssembledPrompt Prompt { get; private set; }

    /// <summary>The numbers of the latest prompt's passages: the only ones the answer may cite.</summary>
    public IReadOnlySet<int> Given { get; private set; }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (refitted, roundOptions) = Prepare(messages, options);
        return base.GetResponseAsync(refitted, roundOptions, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (refitted, roundOptions) = Prepare(messages, options);
        return base.GetStreamingResponseAsync(refitted, roundOptions, cancellationToken);
    }

    private (IReadOnlyList<ChatMessage> Messages, ChatOptions Options) Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        // The tool loop appends the model's calls and the tools' results to the messages it was first given.
        var exchange = messages.Skip(_promptMessages).ToList();
        var roundOptions = options?.Clone() ?? new ChatOptions();
        if (roundOptions.Tools is { } tools)
        {
            var forcing = roundOptions.ToolMode is RequiredChatToolMode && _forced is not null;
            roundOptions.Tools = [.. tools.Select(_tools.AsOffered).Select(t =>
                forcing && _pinned is not null && t is AIFunctionDeclaration tool && tool.Name == _forced ? new PinnedArgumentsTool(tool, _pinned.Values) : t)];
            if (forcing)
            {
                roundOptions.ToolMode = ChatToolMode.RequireSpecific(_forced!);
            }
        }

        var offered = roundOptions.ToolMode is NoneChatToolMode ? [] : roundOptions.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        Prompt = _prompts.Build(_request, _ranked, exchange, offered);
        Given = Prompt.Passages.Select(p => p.Number).ToHashSet();
        return (Prompt.Messages, roundOptions);
    }
}
