namespace Assistant.Core.Knowledge;

/// <summary>What a passage was cut from: the retrieval filters and the prompts treat them differently.</summary>
public enum DocumentKind
{
    Manual,
    Incident,
    Other,
}

/// <summary>
/// One retrievable chunk of the plant's documents: a manual section (with its heading path) or one
/// incident record (with its fields). Everything a citation needs to point a person back at the source.
/// </summary>
/// <param name="Id">Stable id, used in citations and by <c>GET /api/v1/sources/{id}</c>.</param>
/// <param name="Source">Path of the source file relative to the knowledge root, '/' separated.</param>
/// <param name="SectionPath">Heading path from the document title down ("Fault codes", "E-217").</param>
/// <param name="LineStart">First line of the passage in the source file (1-based).</param>
/// <param name="LineEnd">Last line of the passage in the source file (inclusive).</param>
/// <param name="Machine">Machine id (e.g. <c>CNC-2</c>) or machine type the passage is about, when known.</param>
/// <param name="Line">Production line id (e.g. <c>ML2</c>), when known.</param>
/// <param name="Fields">Structured fields: an incident's columns, a manual's front matter.</param>
public sealed record Passage(
    string Id,
    string Source,
    DocumentKind Kind,
    string Title,
    IReadOnlyList<string> SectionPath,
    int LineStart,
    int LineEnd,
    string Text,
    string? Machine = null,
    string? Line = null,
    IReadOnlyDictionary<string, string>? Fields = null)
{
    /// <summary>"Title › Section › Subsection", as shown beside a citation.</summary>
    public string Section => SectionPath.Count == 0 ? Title : string.Join(" › ", SectionPath);
}

public sealed record ScoredPassage(Passage Passage, double Score);

/// <summary>Restricts a search. Null members do not filter.</summary>
/// <param name="Line">Only this line's passages (and plant-wide ones).</param>
/// <param name="VisibleLines">
/// The lines the asker may see (their account's or API key's scope): passages of other lines are never returned.
/// Plant-wide passages (no line) stay visible. Applied inside the index query, not after ranking.
/// </param>
public sealed record SearchFilter(
    DocumentKind? Kind = null,
    string? Machine = null,
    string? Line = null,
    IReadOnlySet<string>? VisibleLines = null);

public sealed record SearchQuery(string Text, int TopK = 5, SearchFilter? Filter = null);

/// <summary>A cited passage with its neighbours in the same source, so a reader sees it in context.</summary>
public sealed record PassageInContext(Passage Passage, IReadOnlyList<Passage> Before, IReadOnlyList<Passage> After);

public sealed record IndexStatus(int Documents, int Passages, DateTimeOffset? LastIngested, bool VectorsAvailable);
