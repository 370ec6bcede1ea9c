using System.Runtime.CompilerServices;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Assistant.Core.LanguageModel;
using Assistant.Core.Security;
using Assistant.Core.Safety;
using Assistant.Core.Answering.Retrieval;
using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Tools;
using Assistant.Core.Answering.Citations;
using Assistant.Core.Answering.Safety;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Model;

/// <summary>
/// Answers with the plant's language model: retrieves passages for the question (filtered by machine or line),
/// assembles the prompt from <c>prompts/</c> within the model's context, runs the tool loop (the model calls
/// classify_fault / optimize_process, the results go back to it), then streams the final answer sentence by
/// sentence through the safety and citation checks.
/// </summary>
/// <remarks>
/// Stream contract: <see cref="ToolCallStarted"/> / <see cref="ToolCallCompleted"/> pairs as tools run, then
/// <see cref="AnswerTextDelta"/>s, then one <see cref="AnswerCompleted"/>. The completed answer's text is the
/// checked one and is authoritative: when the checks replace an answer (refusal, not covered), the UI shows
/// <see cref="Answer.Text"/> in place of what streamed.
/// </remarks>
public sealed class ModelAnswerService : IAnswerService
{
    private readonly ILanguageModelHost _host;
    private readonly IKnowledgeIndex _index;
    private readonly ToolRunner _tools;
    private readonly PromptBuilder _prompts;
    private readonly SafetyProcedures _safety;
    private readonly PlantLayout _plant;
    private readonly AssistantOptions _options;
    private readonly ILogger<ModelAnswerService> _logger;

    public ModelAnswerService(
        ILanguageModelHost host,
        IKnowledgeIndex index,
        IEnumerable<AIFunction> tools,
        PromptLibrary prompts,
        SafetyProcedures safety,
        PlantLayout plant,
        IOptions<AssistantOptions> options,
        ILogger<ModelAnswerService> logger)
    {
        _host = host;
        _index = index;
        _plant = plant;
        _options = options.Value;
        _logger = logger;
        _tools = new ToolRunner(tools, logger);
        _prompts = new PromptBuilder(prompts, host, _options, plant);
        _safety = safety;
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Question))
        {
            throw new ArgumentException("The question is empty: ask what you need to know about a machine or a fault.", nameof(request));
        }

        var chat = _host.ChatClient
            ?? throw new InvalidOperationException("No language model is loaded (" + _host.State.Description + "); the retrieval-only answerer answers instead.");
        var answerId = Guid.NewGuid().ToString("n");
        var notes = new List<string>();

        // A request to defeat a safety device is refused before any model sees it.
        if (SafetyGuard.FindBypassRequest(request.Question) is { } asked)
        {
            _logger.LogWarning("Refused a question asking to bypass a safety device: {Phrase}", asked);
            var (refusal, refusalCitations) = await _safety.RefusalAsync(request, cancellationToken).ConfigureAwait(false);
            notes.Add($"Refused: the question asks how to bypass a safety device (\"{asked}\").");
            yield return new AnswerTextDelta(refusal);
            yield return Completed(answerId, request, refusal, refusalCitations, [], notes);
            yield break;
        }

        var ranked = await RetrieveAsync(request, cancellationToken).ConfigureAwait(false);
        var adapters = AdapterSelector.Resolve(AdapterSelector.Select(request, _options.Adapters), _host.AvailableAdapters, out var missingAdapters);
        if (missingAdapters.Count > 0)
        {
            _logger.LogWarning(
                "Configured adapters {Missing} are not loaded with the model (by name or purpose); answering without them. Add them to models/adapters/adapters.json or remove them from Assistant:Adapters.",
                string.Join(", ", missingAdapters));
        }
        var intent = ToolIntents.Detect(request.Question, request.Machine, _plant);
        var forced = intent is { Problem: null } && _tools.Find(intent.ToolName) is not null ? intent.ToolName : null;
        _logger.LogInformation(
            "Answering with the model: {Passages} passages, adapters {Adapters}, tools {Tools}{Forced}",
            ranked.Count, string.Join(",", adapters.Select(a => $"{a.Key}={a.Value}")), _tools.Tools.Count, forced is null ? "" : ", forcing " + forced);

        var toolExchange = new List<ChatMessage>();
        var toolCalls = new List<ToolCallRecord>();
        var rounds = 0;
        var text = new CheckedTextStream([]);
        AssembledPrompt prompt;
        while (true)
        {
            var offerTools = _tools.Tools.Count > 0 && rounds < _options.MaxToolRounds;
            prompt = _prompts.Build(request, ranked, toolExchange, offerTools ? _tools.Tools : []);
            text.Given = prompt.Passages.Select(p => p.Number).ToHashSet();
            var options = ChatOptionsFor(offerTools, rounds == 0 ? forced : null, adapters, rounds == 0 ? intent : null);

            var calls = new List<FunctionCallContent>();
            await foreach (var update in chat.GetStreamingResponseAsync(prompt.Messages, options, cancellationToken).ConfigureAwait(false))
            {
                foreach (var content in update.Contents)
                {
                    if (content is TextContent { Text: { Length: > 0 } delta })
                    {
                        foreach (var checkedText in text.Append(delta))
                        {
                            yield return new AnswerTextDelta(checkedText);
                        }
                    }
                    else if (content is FunctionCallContent call)
                    {
                        calls.Add(call);
                    }
                }

                if (text.UnsafePhrase is not null)
                {
                    break; // stops generation: disposing the stream cancels the model
                }
            }

            if (text.UnsafePhrase is not null || calls.Count == 0 || !offerTools)
            {
                break;
            }

            rounds++;
            toolExchange.Add(new ChatMessage(ChatRole.Assistant, calls.Cast<AIContent>().ToList()));
            var results = new List<AIContent>();
            foreach (var call in calls)
            {
                var started = ToolRunner.Started(string.IsNullOrEmpty(call.CallId) ? $"call_{rounds}_{results.Count}" : call.CallId, call.Name, call.Arguments);
                yield return new ToolCallStarted(started);
                var run = await _tools.RunAsync(started, cancellationToken).ConfigureAwait(false);
                toolCalls.Add(run.Record);
                results.Add(run.ForModel);
                yield return new ToolCallCompleted(run.Record);
            }

            toolExchange.Add(new ChatMessage(ChatRole.Tool, results));
            if (rounds == _options.MaxToolRounds)
            {
                notes.Add($"The model reached the limit of {_options.MaxToolRounds} tool rounds (Assistant:MaxToolRounds); the answer uses the results gathered so far.");
            }
        }

        foreach (var rest in text.Flush())
        {
            yield return new AnswerTextDelta(rest);
        }

        if (prompt.DroppedPassages.Count > 0)
        {
            notes.Add($"{prompt.DroppedPassages.Count} lower-ranked passage(s) were left out to fit the model's context.");
        }

        if (prompt.DroppedHistoryTurns > 0)
        {
            notes.Add($"The {prompt.DroppedHistoryTurns} oldest message(s) of the conversation were left out to fit the model's context.");
        }

        // Sentence checks ran as the text streamed; the whole answer is checked once more in case a phrase
        // spanned a release boundary.
        if ((text.UnsafePhrase ?? SafetyGuard.FindBypass(text.RawText)) is { } advised)
        {
            _logger.LogWarning("Withheld a model answer that advised bypassing a safety device: {Phrase}", advised);
            var (refusal, refusalCitations) = await _safety.RefusalAsync(request, cancellationToken).ConfigureAwait(false);
            notes.Add($"The model's answer advised bypassing a safety device (\"{advised}\"); it was withheld and replaced by this refusal.");
            yield return Completed(answerId, request, refusal, refusalCitations, toolCalls, notes);
            yield break;
        }

        var check = CitationChecker.Check(text.RawText.Trim(), text.Given);
        if (check.Removed.Count > 0)
        {
            notes.Add($"Removed citation(s) {string.Join(", ", check.Removed.Select(n => $"[{n}]"))}: the model was not given a passage with that number.");
        }

        var byNumber = prompt.Passages.ToDictionary(p => p.Number, p => p.Passage);
        var citations = check.Cited.Select(n => CitationChecker.ToCitation(n, byNumber[n])).ToList();
        var finalText = check.Text;
        if (citations.Count == 0)
        {
            if (toolCalls.Any(t => t.Error is null) && finalText.Length > 0)
            {
                notes.Add("This answer rests on tool results only; no document passage supports it.");
            }
            else
            {
                notes.Add("No passage given to the model supports this answer, so it was replaced by an escalation message.");
                finalText = _safety.NotCovered(request.Question);
            }
        }

        yield return Completed(answerId, request, finalText, citations, toolCalls, notes);
    }

    private async Task<IReadOnlyList<NumberedPassage>> RetrieveAsync(AskRequest request, CancellationToken cancellationToken)
    {
        var topK = Math.Clamp(request.TopK, 1, _options.MaxPassages);
        var filter = PlantContext.FilterFor(request, _plant);
        var found = await EvidenceRetrieval.SearchAsync(_index, request.Question.Trim(), topK, filter, request.Role, cancellationToken).ConfigureAwait(false);
        var passages = found.Select(s => s.Passage).ToList();

        // Hazardous work needs the manual's own lock-out/tag-out and PPE words, for engineers as much as for
        // technicians; the section goes in last, so it is the first to leave when the context is tight.
        if (await _safety.FindAsync(request, cancellationToken).ConfigureAwait(false) is { } procedure &&
            passages.All(p => p.Id != procedure.Id))
        {
            passages.Add(procedure);
        }

        return passages.Select((p, i) => new NumberedPassage(i + 1, p)).ToList();
    }

    /// <summary>The forced tool with the arguments the question named pinned in its schema; other tools as they are.</summary>
    private static AITool Pinned(AIFunction tool, string? forcedTool, ToolIntent? intent)
    {
        if (intent is null || tool.Name != forcedTool)
        {
            return tool;
        }

        var (arguments, _) = ToolIntents.ArgumentsFor(tool, intent.Machine);
        return arguments is { Count: > 0 } ? new PinnedArgumentsTool(tool, arguments) : tool;
    }

    private ChatOptions ChatOptionsFor(bool offerTools, string? forcedTool, IReadOnlyDictionary<string, float> adapters, ToolIntent? intent)
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = _options.AnswerTokens,
            Temperature = _options.Temperature,
        };
        if (offerTools)
        {
            options.Tools = [.. _tools.Tools.Select(tool => Pinned(tool, forcedTool, intent))];
            options.ToolMode = forcedTool is null ? ChatToolMode.Auto : ChatToolMode.RequireSpecific(forcedTool);
        }
        else
        {
            options.ToolMode = ChatToolMode.None;
        }

        if (adapters.Count > 0)
        {
            options.AdditionalProperties = new AdditionalPropertiesDictionary { ["adapters"] = adapters };
        }

        return options;
    }

    private static AnswerCompleted Completed(
        string id, AskRequest request, string text, IReadOnlyList<Citation> citations, IReadOnlyList<ToolCallRecord> toolCalls, IReadOnlyList<string> notes) =>
        new(new Answer(id, request.Question, text, citations, AnswerModes.Model, toolCalls, notes));
}
