using System.Text.RegularExpressions;
using Assistant.Core.Security;
using Assistant.Core.Knowledge;
namespace Assistant.Core.Answering.Retrieval;

/// <summary>
/// Chooses the passages an answer is built from, manuals and incident records in the proportion the question
/// asks for. Incident records are short and name the machine and fault code in every line, so a plain ranking
/// lets them crowd out the manual: "how do I change the return filter on HP-1?" then cites four old repairs
/// instead of the procedure. Searching each kind on its own and giving the kind the question is after the first
/// and larger share keeps both the procedure and the plant's history in view.
/// </summary>
public static partial class EvidenceRetrieval
{
    /// <summary>Share of the places that goes to the kind the question is after.</summary>
    public const double LeadShare = 0.6;

    public static async Task<IReadOnlyList<ScoredPassage>> SearchAsync(
        IKnowledgeIndex index, string question, int topK, SearchFilter? filter, UserRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (topK < 2 || filter?.Kind is not null)
        {
            return await index.SearchAsync(new SearchQuery(question, topK, filter), cancellationToken).ConfigureAwait(false);
        }

        var lead = LeadingKind(question, role);
        var other = lead == DocumentKind.Manual ? DocumentKind.Incident : DocumentKind.Manual;
        var baseFilter = filter ?? new SearchFilter();
        var leading = await index.SearchAsync(new SearchQuery(question, topK, baseFilter with { Kind = lead }), cancellationToken).ConfigureAwait(false);
        var following = await index.SearchAsync(new SearchQuery(question, topK, baseFilter with { Kind = other }), cancellationToken).ConfigureAwait(false);

        var leadPlaces = Math.Max(1, (int)Math.Ceiling(topK * LeadShare));
        var otherPlaces = topK - leadPlaces;
        // A kind with too few matches leaves its places to the other.
        var fromOther = Math.Min(following.Count, Math.Max(otherPlaces, topK - leading.Count));
        var fromLead = Math.Min(leading.Count, topK - fromOther);
        return [.. leading.Take(fromLead), .. following.Take(fromOther)];
    }

    /// <summary>
    /// Manuals for "how do I / what does it mean / how often", incident records for "why again / what happened /
    /// root cause"; otherwise the role decides: technicians need the procedure, engineers the history.
    /// </summary>
    public static DocumentKind LeadingKind(string question, UserRole role)
    {
        if (HistoryWords().IsMatch(question))
        {
            return DocumentKind.Incident;
        }

        if (ProcedureWords().IsMatch(question))
        {
            return DocumentKind.Manual;
        }

        return role == UserRole.Engineer ? DocumentKind.Incident : DocumentKind.Manual;
    }

    [GeneratedRegex(@"\b(why|again|keeps?|recurr\w*|repeat\w*|history|histor\w+|last time|previous\w*|before|root[- ]cause|incidents?|pattern|trend|how many times|happened|failures? on)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HistoryWords();

    [GeneratedRegex(@"\b(how (do|should|can) (i|we|you)|how to|procedure|steps?|what does .+ mean|meaning|interval|how often (is|are|do|should)|torque|tolerance|specification|spec|lock[- ]?out|loto|ppe|start[- ]?up|shut[- ]?down|replace|change|adjust|set ?point|limit)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ProcedureWords();
}
