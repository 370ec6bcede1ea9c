using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Assistant.Knowledge.Chunking;
using Assistant.Knowledge.Indexing;
using Assistant.Knowledge.Reading;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Knowledge.Incidents;

/// <summary>
/// Records incidents reported by the ticketing system: one CSV row appended to an incident log under the knowledge
/// root and flushed to disk (fsync) before the call returns, then that file's passages replaced in the index in one
/// transaction, so the very next search finds the incident. The CSV is the record of truth: when the process dies
/// between the two steps, the next ingestion sees the file changed and reads it again.
/// </summary>
public sealed class CsvIncidentLog : IIncidentLog
{
    private static readonly string Header = string.Join(',', IncidentLogReader.KnownColumns);

    private readonly KnowledgeStore _store;
    private readonly KnowledgeIngestor _ingestor;
    private readonly KnowledgeSettings _settings;
    private readonly bool _embeddingsConfigured;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneWriterAtATime = new(1, 1);

    public CsvIncidentLog(
        KnowledgeStore store,
        KnowledgeIngestor ingestor,
        KnowledgeSettings settings,
        string logPath,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
        ILogger<CsvIncidentLog>? logger = null)
    {
        _store = store;
        _ingestor = ingestor;
        _settings = settings;
        _embeddingsConfigured = embeddings is not null;
        _logger = logger ?? NullLogger<CsvIncidentLog>.Instance;
        FullPath = Path.GetFullPath(Path.Combine(settings.RootPath, logPath));
        var root = Path.GetFullPath(settings.RootPath);
        if (!FullPath.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ||
            !FullPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"The incident log '{logPath}' must be a .csv file under the knowledge root {root}, so ingestion reads it.", nameof(logPath));
        }

        Source = Path.GetRelativePath(root, FullPath).Replace('\\', '/');
    }

    /// <summary>The log file, relative to the knowledge root ('/' separated), as passages name their source.</summary>
    public string Source { get; }

    public string FullPath { get; }

    public async Task<RecordedIncident> RecordAsync(IncidentReport report, CancellationToken cancellationToken = default)
    {
        await _oneWriterAtATime.WaitAsync(cancellationToken);
        try
        {
            if (await FindInIndexAsync(report.Id, cancellationToken) is { } indexed)
            {
                throw new DuplicateIncidentException(report.Id, indexed);
            }

            var existing = File.Exists(FullPath) ? await File.ReadAllBytesAsync(FullPath, cancellationToken) : [];
            if (existing.Length > 0 && Read(existing).Any(p => SameId(p.Passage, report.Id)))
            {
                throw new DuplicateIncidentException(report.Id, Source);
            }

            var lineNumber = Append(report, existing);
            var bytes = await File.ReadAllBytesAsync(FullPath, CancellationToken.None);
            var passages = Read(bytes);
            var passage = passages.Last(p => SameId(p.Passage, report.Id)).Passage;
            var info = new FileInfo(FullPath);
            await _store.ReplaceDocumentAsync(
                new DocumentRecord(Source, info.Length, info.LastWriteTimeUtc.Ticks, Convert.ToHexStringLower(SHA256.HashData(bytes)),
                    await SignatureAsync(CancellationToken.None), passages.Count),
                passages,
                CancellationToken.None);
            _logger.LogInformation("Recorded incident {Id} on {Machine} in {Source} line {Line}", report.Id, report.Machine, Source, lineNumber);
            return new RecordedIncident(report.Id, Source, passage.Id, lineNumber);
        }
        finally
        {
            _oneWriterAtATime.Release();
        }
    }

    /// <summary>Appends one CSV row (and the header for a new file) and flushes it to the disk; returns the row's line number.</summary>
    private int Append(IncidentReport report, byte[] existing)
    {
        var directory = Path.GetDirectoryName(FullPath)!;
        Directory.CreateDirectory(directory);
        var text = new StringBuilder();
        if (existing.Length == 0)
        {
            text.Append(Header).Append('\n');
        }
        else if (existing[^1] != (byte)'\n')
        {
            text.Append('\n');
        }

        text.Append(ToCsvRow(report)).Append('\n');
        using (var stream = new FileStream(FullPath, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough))
        {
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        var lines = existing.Count(b => b == (byte)'\n') + (existing.Length > 0 && existing[^1] != (byte)'\n' ? 1 : 0);
        return lines + (existing.Length == 0 ? 2 : 1);
    }

    internal static string ToCsvRow(IncidentReport r) => string.Join(',', new[]
    {
        r.Id,
        r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        r.Line ?? "",
        r.Machine,
        r.ReporterRole,
        r.Symptom,
        r.FaultCode ?? "",
        r.RootCause,
        r.Action,
        string.Join(';', r.Parts),
        r.DowntimeMinutes.ToString(CultureInfo.InvariantCulture),
    }.Select(Quote));

    private static string Quote(string value)
    {
        // One row, one line: the API folds line breaks already; fold any left so the row never splits.
        var flat = value.Replace('\r', ' ').Replace('\n', ' ');
        return flat.IndexOfAny([',', '"']) >= 0 || flat != flat.Trim() ? "\"" + flat.Replace("\"", "\"\"") + "\"" : flat;
    }

    private List<StoredPassage> Read(byte[] bytes) =>
        _ingestor.Read(Source, bytes, new PassageChunker(_settings.MaxPassageChars), new PlantScope(PlantLayout.Load(_settings.PlantLayoutPath)));

    private static bool SameId(Passage passage, string id) =>
        string.Equals(passage.Fields?.GetValueOrDefault("id"), id, StringComparison.OrdinalIgnoreCase);

    private async Task<string?> FindInIndexAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken);
        return await KnowledgeStore.ScalarAsync(connection, null,
            "SELECT source FROM passages WHERE kind = $kind AND lower(json_extract(fields, '$.id')) = lower($id) LIMIT 1;",
            cancellationToken, ("$kind", (int)DocumentKind.Incident), ("$id", id)) as string;
    }

    /// <summary>
    /// The ingestion signature the other files carry, so the ingestor sees this file as indexed already; without
    /// one, or when embeddings are on (rows written here carry no vectors), a marker that makes the next run read it.
    /// </summary>
    private async Task<string> SignatureAsync(CancellationToken cancellationToken)
    {
        if (_embeddingsConfigured)
        {
            return "api-appended";
        }

        var documents = await _store.GetDocumentsAsync(cancellationToken);
        return documents.Values.Where(d => d.Source != Source).Select(d => d.Signature).FirstOrDefault() ?? "api-appended";
    }
}
