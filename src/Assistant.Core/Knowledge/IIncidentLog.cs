namespace Assistant.Core.Knowledge;

/// <summary>
/// A resolved ticket as the ticketing system reports it: what was seen, what caused it, what fixed it.
/// Becomes one incident record in the plant's incident log, searchable like the historical ones.
/// </summary>
/// <param name="Id">The ticketing system's incident id, e.g. <c>TCK-88123</c>; unique across the plant's logs.</param>
/// <param name="Line">Production line id; null when the ticket does not say (the machine's line is used).</param>
/// <param name="ReporterRole">Who reported it: technician, operator, engineer, quality.</param>
/// <param name="Parts">Part numbers used, in the order the ticket lists them.</param>
public sealed record IncidentReport(
    string Id,
    DateOnly Date,
    string? Line,
    string Machine,
    string ReporterRole,
    string Symptom,
    string? FaultCode,
    string RootCause,
    string Action,
    IReadOnlyList<string> Parts,
    int DowntimeMinutes);

/// <param name="Source">The incident log file it was appended to, relative to the knowledge root.</param>
/// <param name="PassageId">The passage the index now holds for it (cite it, or open it with <c>GET /api/v1/sources/{id}</c>).</param>
public sealed record RecordedIncident(string Id, string Source, string PassageId, int LineNumber);

/// <summary>
/// The plant's incident log as writers see it. <see cref="RecordAsync"/> returns only once the record is durable
/// (it survives the process being killed) and searchable (the next query finds it).
/// </summary>
public interface IIncidentLog
{
    /// <exception cref="DuplicateIncidentException">An incident with this id is already in a log.</exception>
    Task<RecordedIncident> RecordAsync(IncidentReport report, CancellationToken cancellationToken = default);
}

public sealed class DuplicateIncidentException(string id, string source)
    : Exception($"Incident '{id}' is already recorded in {source}.")
{
    public string IncidentId { get; } = id;

    public string LogSource { get; } = source;
}
