using System.Text;
using System.Text.Json;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Microsoft.Extensions.AI;
using Assistant.Core.LanguageModel;
using Assistant.Core.Security;
using Assistant.Core.Answering.Retrieval;
using Assistant.Core.Answering.Citations;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Composition;

/// <summary>A retrieved passage with the number the model cites it by ([Number]); numbers follow the ranking.</summary>
public sealed record NumberedPassage(int Number, Passage Passage);

/// <summary>The messages for one model call and what had to be left out to fit the context.</summary>
/// <param name="Passages">The passages in the prompt: the only ones the answer may cite.</param>
/// <param name="Tokens">Prompt tokens, counted with the model's tokenizer.</param>
/// <param name="Budget">Tokens the prompt may use: context length minus the room kept for the answer.</param>
public sealed record AssembledPrompt(
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<NumberedPassage> Passages,
    int HistoryTurns,
    int Tokens,
    int Budget,
    IReadOnlyList<int> DroppedPassages,
    int DroppedHistoryTurns);

/// <summary>The question cannot be put to the model within its context, even with nothing optional left in.</summary>
public sealed class PromptBudgetExceededException(string message) : InvalidOperationException(message);

/// <summary>
/// Assembles the model's prompt from <c>prompts/</c> within the model's context, counting real tokens with the
/// model's tokenizer. What does not fit goes in this order: the lowest-ranked passage or the oldest history turn,
/// whichever part currently takes more tokens (so neither the documents nor the conversation is starved), until
/// only the question, the instructions and the best passage are left; if even those do not fit, a clear error.
/// </summary>
public sealed class PromptBuilder
{
    private readonly PromptLibrary _prompts;
    private readonly ILanguageModelHost _host;
    private readonly AssistantOptions _options;
    private readonly PlantLayout _plant;

    public PromptBuilder(PromptLibrary prompts, ILanguageModelHost host, AssistantOptions options, PlantLayout plant)
    {
        _prompts = prompts;
        _host = host;
        _options = options;
        _plant = plant;
    }

    public AssembledPrompt Build(
        AskRequest request,
        IReadOnlyList<NumberedPassage> ranked,
        IReadOnlyList<ChatMessage> toolExchange,
        IReadOnlyList<AIFunction> offeredTools)
    {
        var budget = _host.ContextLength - _options.AnswerTokens;
        if (budget <= 0)
        {
            throw new PromptBudgetExceededException(
                $"The model's context is {_host.ContextLength} tokens, but Assistant:AnswerTokens keeps {_options.AnswerTokens} for the answer, " +
                "leaving nothing for the question. Raise Llama:ContextSize or lower Assistant:AnswerTokens.");
        }

        var overhead = _options.MessageOverheadTokens;
        var system = SystemPrompt(request.Role);
        var history = HistoryMessages(request.History);
        var historyTokens = history.Select(m => Count(m.Text) + overhead).ToList();
        var blocks = ranked.Select(p => RenderPassage(p)).ToList();
        var blockTokens = blocks.Select(b => Count(b) + 1).ToList();

        var fixedTokens = Count(system) + overhead
            + Count(UserMessage(request, "")) + overhead
            + ToolDefinitionTokens(offeredTools)
            + toolExchange.Sum(m => CountMessage(m) + overhead);

        var keptPassages = ranked.Count;
        var firstHistory = 0;
        int Total() => fixedTokens + blockTokens.Take(keptPassages).Sum() + historyTokens.Skip(firstHistory).Sum();

        while (Total() > budget)
        {
            var passageTokens = blockTokens.Skip(1).Take(Math.Max(0, keptPassages - 1)).Sum();
            var remainingHistory = historyTokens.Skip(firstHistory).Sum();
            if (firstHistory < history.Count && (keptPassages <= 1 || remainingHistory >= passageTokens))
            {
                firstHistory++;
            }
            else if (keptPassages > 1)
            {
                keptPassages--;
            }
            else
            {
                break;
            }
        }

        var total = Total();
        if (total > budget)
        {
            var what = ranked.Count == 0 ? "the instructions and the question" : "the instructions, the question and the best passage";
            throw new PromptBudgetExceededException(
                $"The prompt needs {total} tokens for {what}, but the model's context of {_host.ContextLength} tokens leaves {budget} " +
                $"after keeping {_options.AnswerTokens} for the answer. Use a model with a larger context (Llama:ContextSize), " +
                "lower Assistant:AnswerTokens, shorten the prompts in prompts/, or ask a shorter question.");
        }

        var messages = new List<ChatMessage> { new(ChatRole.System, system) };
        messages.AddRange(history.Skip(firstHistory));
        var passagesText = string.Join("\n", blocks.Take(keptPassages));
        messages.Add(new ChatMessage(ChatRole.User, UserMessage(request, passagesText)));
        messages.AddRange(toolExchange);

        return new AssembledPrompt(
            messages,
            ranked.Take(keptPassages).ToList(),
            history.Count - firstHistory,
            total,
            budget,
            ranked.Skip(keptPassages).Select(p => p.Number).ToList(),
            firstHistory);
    }

    public string SystemPrompt(UserRole role)
    {
        var values = Values();
        return PromptLibrary.Fill(_prompts.Get(PromptLibrary.System), values) + "\n\n" +
               PromptLibrary.Fill(_prompts.Get(PromptLibrary.ForRole(role)), values);
    }

    private string UserMessage(AskRequest request, string passages) =>
        _prompts.Render(PromptLibrary.Question, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["machine"] = PlantContext.Describe(request.Machine, _plant),
            ["passages"] = passages.Length == 0 ? "(no documents)" : passages,
            ["question"] = request.Question.Trim(),
        });

    private Dictionary<string, string> Values() => new(StringComparer.Ordinal)
    {
        ["plant"] = string.IsNullOrWhiteSpace(_plant.Plant) ? "the plant" : _plant.Plant,
        ["escalate_to"] = _options.EscalateTo,
    };

    /// <summary>
    /// A passage as data: fenced in a &lt;document&gt; block the passage cannot close or open itself, so text
    /// such as "ignore previous instructions" stays inside the fence the system prompt tells the model to treat as data.
    /// </summary>
    public static string RenderPassage(NumberedPassage numbered)
    {
        var p = numbered.Passage;
        var header = new StringBuilder()
            .Append("<document n=\"").Append(numbered.Number).Append('"')
            .Append(" kind=\"").Append(p.Kind.ToString().ToLowerInvariant()).Append('"')
            .Append(" source=\"").Append(Attribute(p.Source)).Append('"')
            .Append(" section=\"").Append(Attribute(p.Section)).Append('"');
        if (p.Machine is not null)
        {
            header.Append(" machine=\"").Append(Attribute(p.Machine)).Append('"');
        }

        header.Append('>');
        return $"{header}\n{Neutralise(p.Text.Trim())}\n</document>";
    }

    private static string Attribute(string value) =>
        value.Replace('"', '\'').Replace('\n', ' ').Replace('\r', ' ').Replace('<', '‹').Replace('>', '›');

    private static string Neutralise(string text) =>
        text.Replace("<document", "‹document", StringComparison.OrdinalIgnoreCase)
            .Replace("</document", "‹/document", StringComparison.OrdinalIgnoreCase);

    private static List<ChatMessage> HistoryMessages(IReadOnlyList<ChatTurn>? history) =>
        history is null
            ? []
            : history
                .Where(t => !string.IsNullOrWhiteSpace(t.Text))
                .Select(t => string.Equals(t.Role, "assistant", StringComparison.OrdinalIgnoreCase)
                    // An earlier answer's [n] named that answer's passages, not this prompt's.
                    ? new ChatMessage(ChatRole.Assistant, CitationChecker.Strip(t.Text).Trim())
                    // Anything else the client sends is the user's words, never a system instruction.
                    : new ChatMessage(ChatRole.User, t.Text.Trim()))
                .ToList();

    private int ToolDefinitionTokens(IReadOnlyList<AIFunction> tools) =>
        tools.Sum(t => Count(JsonSerializer.Serialize(new { name = t.Name, description = t.Description, parameters = t.JsonSchema })));

    private int CountMessage(ChatMessage message) => message.Contents.Sum(c => c switch
    {
        TextContent text => Count(text.Text),
        FunctionCallContent call => Count(call.Name) + Count(JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)),
        FunctionResultContent result => Count(result.Result is string s ? s : JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions)),
        _ => 0,
    });

    private int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : _host.CountTokens(text);
}
