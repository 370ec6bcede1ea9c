namespace Assistant.Core.Knowledge;

/// <summary>Search over the plant's ingested documents (lexical, and hybrid when an embedding model is set).</summary>
public interface IKnowledgeIndex
{
    Task<IReadOnlyList<ScoredPassage>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);

    Task<PassageInContext?> GetPassageAsync(string id, int neighbours = 1, CancellationToken cancellationToken = default);

    /// <summary>Machine ids and lines the index knows, so a filter on an unknown one can be refused.</summary>
    Task<IReadOnlyCollection<string>> GetMachinesAsync(CancellationToken cancellationToken = default);

    Task<IndexStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}

public sealed record SkippedFile(string Path, string Reason);

public sealed record IngestReport(
    int FilesRead,
    int FilesUnchanged,
    int FilesRemoved,
    int PassagesWritten,
    IReadOnlyList<SkippedFile> Skipped,
    TimeSpan Elapsed);

/// <summary>Reads the knowledge folder into the index; incremental, atomic per run.</summary>
public interface IKnowledgeIngestor
{
    Task<IngestReport> IngestAsync(CancellationToken cancellationToken = default);

    /// <summary>True when a file under the knowledge root changed since the last ingestion.</summary>
    Task<bool> IsStaleAsync(CancellationToken cancellationToken = default);
}
