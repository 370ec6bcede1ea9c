using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Tools;
using Microsoft.Extensions.AI;

namespace Assistant.Core.Answering.Model;

/// <summary>
/// Sits between Semantic Kernel's tool loop and the model, for one answer. Before every model call it refits the
/// prompt (instructions, passages, history and the tool exchange so far) into the model's context, so tool results
/// push out low-ranked passages rather than overflow it. In the round that forces a tool (the only round whose tool
/// mode is required) it forces that tool by name and pins the arguments the question named in its schema, so the
/// grammar writes them.
/// </summary>
internal sealed class ToolRoundChatClient : DelegatingChatClient
{
    private readonly PromptBuilder _prompts;
    private readonly AskRequest _request;
    private readonly IReadOnlyList<NumberedPassage> _ranked;
    private readonly PinnedArguments? _pinned;
    private readonly string? _forced;
    private readonly int _promptMessages;

    /// <param name="forcedTool">The tool the first round must call (its own name), or null.</param>
    /// <param name="offered">The tools the first call offers, for the prompt's token budget.</param>
    public ToolRoundChatClient(
        IChatClient model, PromptBuilder prompts, AskRequest request, IReadOnlyList<NumberedPassage> ranked,
        string? forcedTool, PinnedArguments? pinned, IReadOnlyList<AIFunction> offered)
        : base(model)
    {
        _prompts = prompts;
        _request = request;
        _ranked = ranked;
        _forced = forcedTool is null ? null : PlantTools.ModelName(forcedTool);
        _pinned = pinned;
        Prompt = prompts.Build(request, ranked, [], offered);
        _promptMessages = Prompt.Messages.Count;
    }

    /// <summary>The prompt of the latest model call: its passages are the ones the answer may cite.</summary>
    public AssembledPrompt Prompt { get; private set; }

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
        var offered = roundOptions.ToolMode is NoneChatToolMode ? [] : roundOptions.Tools?.OfType<AIFunction>().ToList() ?? [];
        Prompt = _prompts.Build(_request, _ranked, exchange, offered);

        if (roundOptions.ToolMode is RequiredChatToolMode && _forced is not null && roundOptions.Tools is { } tools)
        {
            roundOptions.ToolMode = ChatToolMode.RequireSpecific(_forced);
            roundOptions.Tools = tools
                .Select(t => t is AIFunctionDeclaration tool && tool.Name == _forced && _pinned is not null ? new PinnedArgumentsTool(tool, _pinned.Values) : t)
                .ToList();
        }

        return (Prompt.Messages, roundOptions);
    }
}
