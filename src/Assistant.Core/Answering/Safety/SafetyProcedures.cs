using Microsoft.Extensions.Options;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Assistant.Core.Answering.Retrieval;
using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Citations;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Safety;

/// <summary>
/// The machine's lock-out/tag-out and PPE section: added to a technician's passages so step warnings can quote
/// the manual, and cited by a refusal so the person is pointed at the safe procedure instead of a dead end.
/// </summary>
public sealed class SafetyProcedures
{
    private readonly IKnowledgeIndex _index;
    private readonly PromptLibrary _prompts;
    private readonly PlantLayout _plant;
    private readonly AssistantOptions _options;

    public SafetyProcedures(IKnowledgeIndex index, PromptLibrary prompts, PlantLayout plant, IOptions<AssistantOptions> options)
    {
        _index = index;
        _prompts = prompts;
        _plant = plant;
        _options = options.Value;
    }

    /// <summary>
    /// The lock-out/tag-out section for the request's machine or line, else the machine the question names;
    /// null when neither is known, since another machine's procedure would mislead.
    /// </summary>
    public async Task<Passage?> FindAsync(AskRequest request, CancellationToken cancellationToken)
    {
        var target = string.IsNullOrWhiteSpace(request.Machine)
            ? PlantContext.MachineOf(request.Question, null, _plant)?.Id
            : request.Machine;
        if (string.IsNullOrWhiteSpace(_options.SafetyQuery) || target is null)
        {
            return null;
        }

        var filter = PlantContext.FilterFor(target, _plant, request.Scope)! with { Kind = DocumentKind.Manual };
        var found = await _index.SearchAsync(new SearchQuery(_options.SafetyQuery, 1, filter), cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0].Passage : null;
    }

    /// <summary>The refusal for a request to bypass a safety device, citing the lock-out/tag-out section when there is one.</summary>
    public async Task<(string Text, IReadOnlyList<Citation> Citations)> RefusalAsync(AskRequest request, CancellationToken cancellationToken)
    {
        var passage = await FindAsync(request, cancellationToken).ConfigureAwait(false);
        var procedure = passage is null ? " in the machine's manual" : $" in the machine's manual [1] ({passage.Section}, {passage.Source})";
        var text = _prompts.Render(PromptLibrary.Refusal, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["procedure"] = procedure,
            ["escalate_to"] = _options.EscalateTo,
        });
        return (text, passage is null ? [] : [CitationChecker.ToCitation(1, passage)]);
    }

    public string NotCovered(string question) =>
        _prompts.Render(PromptLibrary.NotCovered, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["escalate_to"] = _options.EscalateTo,
            ["question"] = question,
        });
}
