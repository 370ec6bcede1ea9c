namespace Assistant.Web.Api;

/// <param name="TicketId">The ticketing system's id; triage is idempotent per id and content.</param>
/// <param name="Machine">Machine id from the plant layout, e.g. "CNC-2".</param>
/// <param name="Readings">Optional sensor readings by name (e.g. "torque_nm": 61.2) for the machine's fault classifier.</param>
public sealed record TriageBody(
    string? TicketId,
    string? Machine,
    string? Title,
    string? Description,
    Dictionary<string, double>? Readings = null);

/// <summary>What triage concluded about a new ticket, and why.</summary>
/// <param name="ContentHash">SHA-256 of the normalised ticket; the same id and hash give the stored result again.</param>
public sealed record TriageResult(
    string TicketId,
    string Machine,
    string? Line,
    LikelyFault? LikelyFault,
    IReadOnlyList<SimilarIncident> SimilarIncidents,
    ManualProcedure? Procedure,
    SuggestedPriority Priority,
    IReadOnlyList<string> Notes,
    string ContentHash,
    DateTimeOffset TriagedAt);

/// <param name="Source">"classifier", "ticket fault code" or "similar incidents": where the conclusion comes from.</param>
/// <param name="Confidence">0..1: the classifier's probability, or the share of similar incidents with this code.</param>
public sealed record LikelyFault(
    string Source,
    string Label,
    double? Confidence,
    string Explanation,
    IReadOnlyDictionary<string, double>? Probabilities = null);

/// <param name="Similarity">0..1: the share of the ticket's words found in the incident record.</param>
public sealed record SimilarIncident(
    string IncidentId,
    string PassageId,
    double Similarity,
    string? Date,
    string? Machine,
    string? FaultCode,
    string? Symptom,
    string? RootCause,
    string? Action,
    int? DowntimeMinutes);

/// <summary>The manual section that applies, cited like an answer's citation.</summary>
public sealed record ManualProcedure(
    string PassageId,
    string Source,
    string Title,
    string Section,
    int LineStart,
    int LineEnd,
    string Excerpt);

/// <param name="Level">P1 (safety) .. P4 (routine).</param>
/// <param name="Rule">The rule that fired, e.g. "safety", "machine-stopped", "historical-downtime".</param>
/// <param name="Reason">The rule in the plant's words, with the evidence.</param>
public sealed record SuggestedPriority(string Level, string Rule, string Reason);
