using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Assistant.Knowledge.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Assistant.Knowledge.Indexing;

/// <summary>
/// Search over the SQLite index: BM25 (FTS5) over exact terms and stems with headings weighted up, metadata filters,
/// and, when an embedding generator is registered, an exact cosine scan of the stored vectors fused with the lexical
/// ranking by reciprocal rank fusion.
/// </summary>
public sealed class SqliteKnowledgeIndex : IKnowledgeIndex
{
    private const int MaxTopK = 100;

    private readonly KnowledgeStore _store;
    private readonly KnowledgeSettings _settings;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private readonly SemaphoreSlim _vectorLoad = new(1, 1);
    private VectorSet? _vectors;

    public SqliteKnowledgeIndex(KnowledgeStore store, KnowledgeSettings settings, IEmbeddingGenerator<string, Embedding<float>>? embeddings = null)
    {
        _store = store;
        _settings = settings;
        _embeddings = embeddings;
    }

    public async Task<IReadOnlyList<ScoredPassage>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var topK = Math.Clamp(query.TopK, 1, MaxTopK);
        await using var connection = await _store.OpenAsync(cancellationToken);
        var match = await BuildMatchAsync(connection, query.Text, cancellationToken);

        var vectors = _embeddings is null ? null : await LoadVectorsAsync(connection, cancellationToken);
        var hybrid = vectors is { Count: > 0 };
        var candidates = hybrid ? Math.Max(50, topK * 4) : topK;
        var lexical = match is null ? [] : await LexicalAsync(connection, match, query.Filter, candidates, cancellationToken);
        if (!hybrid)
        {
            return lexical.Select(l => l.Hit).ToList();
        }

        var embedding = await _embeddings!.GenerateAsync([query.Text], cancellationToken: cancellationToken);
        var nearest = vectors!.Nearest(embedding[0].Vector.Span, query.Filter, Math.Max(50, topK * 4));
        var fused = new Dictionary<long, double>();
        for (var i = 0; i < lexical.Count; i++)
        {
            var rowid = lexical[i].RowId;
            fused[rowid] = fused.GetValueOrDefault(rowid) + 1.0 / (_settings.RrfK + i + 1);
        }

        for (var i = 0; i < nearest.Count; i++)
        {
            fused[nearest[i]] = fused.GetValueOrDefault(nearest[i]) + 1.0 / (_settings.RrfK + i + 1);
        }

        var best = fused.OrderByDescending(p => p.Value).Take(topK).ToList();
        var passages = await LoadByRowIdAsync(connection, best.Select(b => b.Key), cancellationToken);
        return best.Where(b => passages.ContainsKey(b.Key)).Select(b => new ScoredPassage(passages[b.Key], b.Value)).ToList();
    }

    public async Task<PassageInContext?> GetPassageAsync(string id, int neighbours = 1, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        neighbours = Math.Clamp(neighbours, 0, 20);
        await using var connection = await _store.OpenAsync(cancellationToken);
        await using var command = KnowledgeStore.Command(connection, null, $"""
            WITH target AS (SELECT source, ordinal FROM passages WHERE id = $id)
            SELECT {Columns("p")}, p.ordinal - target.ordinal
            FROM passages p JOIN target ON p.source = target.source
            WHERE p.ordinal BETWEEN target.ordinal - $n AND target.ordinal + $n
            ORDER BY p.ordinal;
            """, "$id", "$n");
        KnowledgeStore.Set(command, id, neighbours);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Passage? passage = null;
        var before = new List<Passage>();
        var after = new List<Passage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var p = ReadPassage(reader);
            var offset = reader.GetInt32(ColumnCount);
            (offset < 0 ? before : offset > 0 ? after : null)?.Add(p);
            if (offset == 0)
            {
                passage = p;
            }
        }

        return passage is null ? null : new PassageInContext(passage, before, after);
    }

    public async Task<IReadOnlyCollection<string>> GetMachinesAsync(CancellationToken cancellationToken = default)
    {
        var known = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var plant = PlantLayout.Load(_settings.PlantLayoutPath);
        known.UnionWith(plant.Machines.Select(m => m.Id));
        known.UnionWith(plant.Lines.Select(l => l.Id));

        await using var connection = await _store.OpenAsync(cancellationToken);
        await using var command = KnowledgeStore.Command(connection, null,
            "SELECT DISTINCT machine FROM passages WHERE machine IS NOT NULL UNION SELECT DISTINCT line FROM passages WHERE line IS NOT NULL;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            foreach (var value in reader.GetString(0).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                known.Add(value);
            }
        }

        return known;
    }

    public async Task<IndexStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken);
        var documents = Convert.ToInt32(await KnowledgeStore.ScalarAsync(connection, null, "SELECT count(*) FROM documents;", cancellationToken), CultureInfo.InvariantCulture);
        var passages = Convert.ToInt32(await KnowledgeStore.ScalarAsync(connection, null, "SELECT count(*) FROM passages;", cancellationToken), CultureInfo.InvariantCulture);
        var vectors = await KnowledgeStore.ScalarAsync(connection, null, "SELECT EXISTS (SELECT 1 FROM passage_vectors);", cancellationToken);
        var last = await KnowledgeStore.ScalarAsync(connection, null, "SELECT value FROM meta WHERE key = 'last_ingested';", cancellationToken) as string;
        DateTimeOffset? lastIngested = DateTimeOffset.TryParse(last, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
        return new IndexStatus(documents, passages, lastIngested, _embeddings is not null && Convert.ToInt64(vectors, CultureInfo.InvariantCulture) == 1);
    }

    /// <summary>
    /// The FTS5 query for a question: its exact terms against the exact columns, its stems against the stemmed ones,
    /// all OR-ed so BM25 ranks passages by how many rare terms they share. Null when the question has no term.
    /// </summary>
    public static string? BuildMatch(string question) => BuildMatch(TechnicalTokenizer.Terms(question ?? "", query: true), null);

    private static string? BuildMatch(IEnumerable<string> questionTerms, IReadOnlySet<string>? tooCommon)
    {
        var terms = questionTerms.Distinct(StringComparer.Ordinal).ToList();
        var stems = TechnicalTokenizer.Stems(terms).Distinct(StringComparer.Ordinal).ToList();
        if (tooCommon is { Count: > 0 } && terms.Concat(stems).Any(t => !tooCommon.Contains(t)))
        {
            terms.RemoveAll(tooCommon.Contains);
            stems.RemoveAll(tooCommon.Contains);
        }

        if (terms.Count == 0 && stems.Count == 0)
        {
            return null;
        }

        static string Quote(string t) => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var exact = terms.Count == 0 ? null : $"{{heading body}} : ({string.Join(" OR ", terms.Select(Quote))})";
        var stemmed = stems.Count == 0 ? null : $"{{heading_stem body_stem}} : ({string.Join(" OR ", stems.Select(Quote))})";
        return exact is null ? stemmed : stemmed is null ? exact : $"{exact} OR {stemmed}";
    }

    /// <summary>
    /// The question's FTS5 query, leaving out terms found in more than half of all passages. BM25 gives such a term an
    /// IDF of about zero (FTS5 floors it at 1e-6), so it cannot change the ranking, yet scoring its matches is most of
    /// the cost of a query on a large index.
    /// </summary>
    private async Task<string?> BuildMatchAsync(SqliteConnection connection, string question, CancellationToken cancellationToken)
    {
        var terms = TechnicalTokenizer.Terms(question ?? "", query: true);
        if (terms.Count == 0)
        {
            return null;
        }

        var candidates = terms.Concat(TechnicalTokenizer.Stems(terms)).Distinct(StringComparer.Ordinal).ToList();
        var passages = await PassageCountAsync(connection, cancellationToken);
        var tooCommon = new HashSet<string>(StringComparer.Ordinal);
        if (passages >= MinPassagesToPrune && _settings.CommonTermShare < 1)
        {
            await using var command = KnowledgeStore.Command(connection, null,
                $"SELECT term FROM passages_terms WHERE term IN ({string.Join(',', candidates.Select((_, i) => "$t" + i))}) AND doc > $n;");
            for (var i = 0; i < candidates.Count; i++)
            {
                command.Parameters.AddWithValue("$t" + i, candidates[i]);
            }

            command.Parameters.AddWithValue("$n", (long)(passages * _settings.CommonTermShare));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tooCommon.Add(reader.GetString(0));
            }
        }

        return BuildMatch(terms, tooCommon);
    }

    // Below this, every query is fast anyway and the vocabulary lookup would only add to it.
    private const int MinPassagesToPrune = 2000;

    private async Task<long> PassageCountAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var generation = await KnowledgeStore.ScalarAsync(connection, null, "SELECT value FROM meta WHERE key = 'generation';", cancellationToken) as string ?? "0";
        var cached = _passageCount;
        if (cached.Generation == generation)
        {
            return cached.Count;
        }

        var count = Convert.ToInt64(await KnowledgeStore.ScalarAsync(connection, null, "SELECT count(*) FROM passages;", cancellationToken), CultureInfo.InvariantCulture);
        _passageCount = (generation, count);
        return count;
    }

    private (string Generation, long Count) _passageCount = ("", 0);

    private const int ColumnCount = 12;

    private static string Columns(string alias) =>
        string.Join(", ", new[] { "rowid", "id", "source", "kind", "title", "section", "line_start", "line_end", "text", "machine", "line", "fields" }.Select(c => $"{alias}.{c}"));

    private async Task<List<(long RowId, ScoredPassage Hit)>> LexicalAsync(SqliteConnection connection, string match, SearchFilter? filter, int limit, CancellationToken cancellationToken)
    {
        var h = _settings.HeadingWeight.ToString(CultureInfo.InvariantCulture);
        var s = _settings.StemWeight.ToString(CultureInfo.InvariantCulture);
        var hs = (_settings.HeadingWeight * _settings.StemWeight).ToString(CultureInfo.InvariantCulture);
        // Rank inside FTS5 first and read the few winning rows after: joining every match to its text costs more than BM25.
        var sql = new StringBuilder($"""
            WITH hits AS (
                SELECT rowid, bm25(passages_fts, {h}, 1.0, {hs}, {s}, 0.0) AS score
                FROM passages_fts
                WHERE passages_fts MATCH $match
            """);
        sql.Append($"""
                ORDER BY score LIMIT $limit)
            SELECT {Columns("p")}, hits.score FROM hits JOIN passages p ON p.rowid = hits.rowid ORDER BY hits.score;
            """);

        await using var command = KnowledgeStore.Command(connection, null, sql.ToString());
        command.Parameters.AddWithValue("$match", WithFilter(match, filter));
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<(long, ScoredPassage)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((reader.GetInt64(0), new ScoredPassage(ReadPassage(reader), -reader.GetDouble(ColumnCount))));
        }

        return result;
    }

    /// <summary>
    /// The filters as FTS5 terms on the <c>scope</c> column (weight 0 in BM25), so FTS5 intersects doclists instead of
    /// SQLite checking every match against another table. A passage with no scope is plant-wide and passes machine
    /// and line filters.
    /// </summary>
    private static string WithFilter(string match, SearchFilter? filter)
    {
        var clauses = new List<string>();
        if (filter?.Kind is { } kind)
        {
            clauses.Add($"scope : \"{KnowledgeStore.KindToken(kind)}\"");
        }

        foreach (var value in new[] { filter?.Machine, filter?.Line })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                clauses.Add($"scope : (\"{KnowledgeStore.ScopeToken(value)}\" OR \"{KnowledgeStore.PlantWideToken}\")");
            }
        }

        return clauses.Count == 0 ? match : $"({match}) AND {string.Join(" AND ", clauses)}";
    }

    private static Passage ReadPassage(SqliteDataReader reader)
    {
        var fields = reader.IsDBNull(11) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(11));

        return new Passage(
            reader.GetString(1),
            reader.GetString(2),
            (DocumentKind)reader.GetInt32(3),
            reader.GetString(4),
            JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [],
            reader.GetInt32(6),
            reader.GetInt32(7),
            reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            fields);
    }

    private static async Task<Dictionary<long, Passage>> LoadByRowIdAsync(SqliteConnection connection, IEnumerable<long> rowids, CancellationToken cancellationToken)
    {
        var ids = rowids.ToList();
        var result = new Dictionary<long, Passage>();
        if (ids.Count == 0)
        {
            return result;
        }

        await using var command = KnowledgeStore.Command(connection, null,
            $"SELECT {Columns("p")} FROM passages p WHERE p.rowid IN ({string.Join(',', ids)});");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetInt64(0)] = ReadPassage(reader);
        }

        return result;
    }

    private async Task<VectorSet?> LoadVectorsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var generation = await KnowledgeStore.ScalarAsync(connection, null, "SELECT value FROM meta WHERE key = 'generation';", cancellationToken) as string ?? "0";
        if (_vectors?.Generation == generation)
        {
            return _vectors;
        }

        await _vectorLoad.WaitAsync(cancellationToken);
        try
        {
            if (_vectors?.Generation == generation)
            {
                return _vectors;
            }

            var set = new VectorSet(generation);
            await using (var command = KnowledgeStore.Command(connection, null, "SELECT v.passage, v.vector, p.kind FROM passage_vectors v JOIN passages p ON p.rowid = v.passage;"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var bytes = (byte[])reader.GetValue(1);
                    set.Add(reader.GetInt64(0), (DocumentKind)reader.GetInt32(2), MemoryMarshal.Cast<byte, float>(bytes).ToArray());
                }
            }

            await using (var command = KnowledgeStore.Command(connection, null, "SELECT passage, value FROM passage_scope;"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    set.AddScope(reader.GetInt64(0), reader.GetString(1));
                }
            }

            _vectors = set;
            return set;
        }
        finally
        {
            _vectorLoad.Release();
        }
    }

    /// <summary>All stored vectors in memory, scanned exactly: at plant scale (10^4..10^5 passages) that is milliseconds.</summary>
    private sealed class VectorSet(string generation)
    {
        private readonly List<(long RowId, DocumentKind Kind, float[] Vector)> _rows = [];
        private readonly Dictionary<long, HashSet<string>> _scopes = [];

        public string Generation { get; } = generation;

        public int Count => _rows.Count;

        public void Add(long rowid, DocumentKind kind, float[] vector) => _rows.Add((rowid, kind, vector));

        public void AddScope(long rowid, string value)
        {
            if (!_scopes.TryGetValue(rowid, out var set))
            {
                _scopes[rowid] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(value);
        }

        public List<long> Nearest(ReadOnlySpan<float> query, SearchFilter? filter, int count)
        {
            var machine = filter?.Machine?.Trim().ToLowerInvariant();
            var line = filter?.Line?.Trim().ToLowerInvariant();
            var scored = new List<(long RowId, float Score)>();
            foreach (var (rowid, kind, vector) in _rows)
            {
                if (vector.Length != query.Length || (filter?.Kind is { } k && k != kind) || !InScope(rowid, machine) || !InScope(rowid, line))
                {
                    continue;
                }

                scored.Add((rowid, TensorPrimitives.CosineSimilarity(query, vector)));
            }

            return scored.OrderByDescending(s => s.Score).Take(count).Select(s => s.RowId).ToList();
        }

        private bool InScope(long rowid, string? value) =>
            string.IsNullOrEmpty(value) || !_scopes.TryGetValue(rowid, out var scope) || scope.Contains(value);
    }
}
