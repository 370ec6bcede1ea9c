using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Assistant.Knowledge.Chunking;
using Assistant.Knowledge.Reading;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Knowledge.Indexing;

/// <summary>
/// Reads the knowledge folder into the index. Incremental: a file whose size and timestamp match the index is not
/// read, one whose bytes hash the same only gets its timestamp updated, a deleted file leaves the index. Each file is
/// written in its own transaction, so a run that is killed keeps what it finished and the next run does the rest.
/// </summary>
public sealed class KnowledgeIngestor : IKnowledgeIngestor
{
    // Bump when readers or chunking change what a file turns into: every file is then read again.
    private const string PipelineVersion = "knowledge-pipeline-8";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly KnowledgeStore _store;
    private readonly KnowledgeSettings _settings;
    private readonly IReadOnlyList<IDocumentReader> _readers;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    public KnowledgeIngestor(
        KnowledgeStore store,
        KnowledgeSettings settings,
        IEnumerable<IDocumentReader>? readers = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
        ILogger<KnowledgeIngestor>? logger = null)
    {
        _store = store;
        _settings = settings;
        _readers = readers?.ToList() ?? DefaultReaders();
        _embeddings = embeddings;
        _logger = logger ?? NullLogger<KnowledgeIngestor>.Instance;
    }

    public static List<IDocumentReader> DefaultReaders() =>
        [new MarkdownDocumentReader(), new AsciiDocDocumentReader(), new HtmlDocumentReader(), new PlainTextDocumentReader(), new IncidentLogReader()];

    public async Task<IngestReport> IngestAsync(CancellationToken cancellationToken = default)
    {
        await _oneRunAtATime.WaitAsync(cancellationToken);
        try
        {
            return await RunAsync(cancellationToken);
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    public async Task<bool> IsStaleAsync(CancellationToken cancellationToken = default)
    {
        var (files, _, signature) = Prepare();
        var documents = await _store.GetDocumentsAsync(cancellationToken);
        var skipped = await _store.GetSkippedAsync(cancellationToken);
        if (documents.Keys.Except(files.Select(f => f.Source)).Any())
        {
            return true;
        }

        return files.Any(f => !IsUnchanged(f, documents, signature) &&
            !(skipped.TryGetValue(f.Source, out var s) && s == (f.Size, f.ModifiedTicks, signature)));
    }

    private async Task<IngestReport> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (files, scope, signature) = Prepare();
        var documents = await _store.GetDocumentsAsync(cancellationToken);
        var skippedBefore = await _store.GetSkippedAsync(cancellationToken);
        var chunker = new PassageChunker(_settings.MaxPassageChars);
        var skipped = new List<SkippedFile>();
        int read = 0, unchanged = 0, removed = 0, written = 0;

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsUnchanged(file, documents, signature) ||
                (skippedBefore.TryGetValue(file.Source, out var s) && s == (file.Size, file.ModifiedTicks, signature)))
            {
                unchanged++;
                continue;
            }

            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file.FullPath, cancellationToken);
            }
            catch (IOException ex)
            {
                skipped.Add(new SkippedFile(file.Source, $"cannot be read: {ex.Message}"));
                _logger.LogWarning("Skipped {Source}: cannot be read: {Reason}", file.Source, ex.Message);
                continue;
            }

            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (documents.TryGetValue(file.Source, out var known) && known.Sha256 == sha && known.Signature == signature)
            {
                await _store.TouchDocumentAsync(file.Source, file.Size, file.ModifiedTicks, cancellationToken);
                unchanged++;
                continue;
            }

            List<StoredPassage> passages;
            try
            {
                passages = Read(file.Source, bytes, chunker, scope);
            }
            catch (InvalidDataException ex)
            {
                skipped.Add(new SkippedFile(file.Source, ex.Message));
                _logger.LogWarning("Skipped malformed file {Source}: {Reason}", file.Source, ex.Message);
                await _store.RecordSkippedAsync(file.Source, file.Size, file.ModifiedTicks, signature, ex.Message, cancellationToken);
                continue;
            }

            if (_embeddings is not null)
            {
                passages = await EmbedAsync(passages, cancellationToken);
            }

            await _store.ReplaceDocumentAsync(
                new DocumentRecord(file.Source, file.Size, file.ModifiedTicks, sha, signature, passages.Count), passages, cancellationToken);
            read++;
            written += passages.Count;
            _logger.LogDebug("Indexed {Source}: {Passages} passages", file.Source, passages.Count);
        }

        foreach (var gone in documents.Keys.Except(files.Select(f => f.Source), StringComparer.Ordinal).ToList())
        {
            await _store.RemoveDocumentAsync(gone, cancellationToken);
            removed++;
            _logger.LogInformation("Removed {Source} from the index: the file is gone", gone);
        }

        if (read + removed > 0)
        {
            await _store.OptimizeAsync(cancellationToken);
        }

        await _store.SetMetaAsync("last_ingested", DateTimeOffset.UtcNow.ToString("O"), cancellationToken);
        var report = new IngestReport(read, unchanged, removed, written, skipped, clock.Elapsed);
        _logger.LogInformation(
            "Ingested {Root}: {Read} files read, {Unchanged} unchanged, {Removed} removed, {Passages} passages written, {Skipped} skipped in {Elapsed}",
            _settings.RootPath, read, unchanged, removed, written, skipped.Count, clock.Elapsed);
        return report;
    }

    /// <summary>Reads and chunks one file into passages with ids and scopes; throws <see cref="InvalidDataException"/> when malformed.</summary>
    public List<StoredPassage> Read(string source, byte[] bytes, PassageChunker chunker, PlantScope scope)
    {
        var reader = ReaderFor(source) ?? throw new InvalidDataException($"{source}: no reader for this file type.");
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"{source}: not UTF-8 text; save it as UTF-8.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{source}: contains NUL bytes; it looks like a binary file, not text.");
        }

        var document = reader.Read(source, text.TrimStart('\uFEFF'));
        var chunks = chunker.Chunk(document);
        var fileKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..8];
        var (documentScope, machine, line) = scope.ForDocument(source, document);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var passages = new List<StoredPassage>(chunks.Count);

        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            var isRecord = chunk.Fields is not null && document.Kind == DocumentKind.Incident;
            var id = isRecord ? $"{fileKey}-{Slug(chunk.SectionPath[0])}" : $"{fileKey}-{i + 1}";
            if (!ids.Add(id))
            {
                id = $"{id}-{i + 1}";
                ids.Add(id);
            }

            var passage = new Passage(
                id, source, document.Kind, document.Title, chunk.SectionPath, chunk.LineStart, chunk.LineEnd, chunk.Text,
                isRecord ? chunk.Machine : machine,
                isRecord ? chunk.Line : line,
                isRecord ? chunk.Fields : document.Fields.Count > 0 ? document.Fields : null);
            passages.Add(new StoredPassage(passage, i, isRecord ? scope.ForRecord(chunk) : documentScope));
        }

        return passages;
    }

    private IDocumentReader? ReaderFor(string source)
    {
        var extension = Path.GetExtension(source).ToLowerInvariant();
        return _readers.FirstOrDefault(r => r.Extensions.Contains(extension));
    }

    private (List<KnowledgeFile> Files, PlantScope Scope, string Signature) Prepare()
    {
        var extensions = _readers.SelectMany(r => r.Extensions).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var files = new KnowledgeFiles(_settings.RootPath, extensions, _settings.Exclude).Scan();
        var plant = PlantLayout.Load(_settings.PlantLayoutPath);
        var plantHash = File.Exists(_settings.PlantLayoutPath) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_settings.PlantLayoutPath))) : "none";
        var model = _embeddings?.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? (_embeddings is null ? "lexical" : _embeddings.GetType().Name);
        var signature = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{PipelineVersion}|{_settings.MaxPassageChars}|{plantHash}|{model}")))[..16];
        return (files, new PlantScope(plant), signature);
    }

    private static bool IsUnchanged(KnowledgeFile file, Dictionary<string, DocumentRecord> documents, string signature) =>
        documents.TryGetValue(file.Source, out var known) &&
        known.Size == file.Size && known.ModifiedTicks == file.ModifiedTicks && known.Signature == signature;

    private async Task<List<StoredPassage>> EmbedAsync(List<StoredPassage> passages, CancellationToken cancellationToken)
    {
        const int batch = 32;
        var result = new List<StoredPassage>(passages.Count);
        for (var start = 0; start < passages.Count; start += batch)
        {
            var slice = passages.Skip(start).Take(batch).ToList();
            var texts = slice.Select(p => p.Passage.Section + "\n" + p.Passage.Text).ToList();
            var embeddings = await _embeddings!.GenerateAsync(texts, cancellationToken: cancellationToken);
            for (var i = 0; i < slice.Count; i++)
            {
                result.Add(slice[i] with { Vector = embeddings[i].Vector.ToArray() });
            }
        }

        return result;
    }

    private static string Slug(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "record" : slug.Length > 40 ? slug[..40] : slug;
    }
}
