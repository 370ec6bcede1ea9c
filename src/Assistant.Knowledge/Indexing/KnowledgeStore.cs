using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Assistant.Core.Knowledge;
using Assistant.Knowledge.Text;
using Microsoft.Data.Sqlite;

namespace Assistant.Knowledge.Indexing;

/// <summary>What the index remembers about a source file, to tell whether it changed.</summary>
public sealed record DocumentRecord(string Source, long Size, long ModifiedTicks, string Sha256, string Signature, int Passages);

/// <summary>A passage as the store writes it: with its place in the file, its filter scope and, when embeddings are on, its vector.</summary>
public sealed record StoredPassage(Passage Passage, int Ordinal, IReadOnlyCollection<string> Scope, float[]? Vector = null);

/// <remarks>
/// The FTS5 table keeps its own copy of the indexed terms. A contentless table (<c>content=''</c> with
/// <c>contentless_delete</c>) would be smaller, but a delete there leaves BM25's row count and average length behind,
/// so a file rewritten in place ranked differently from a fresh index (see IndexStatisticsTests).
/// </remarks>
/// <summary>
/// The index file: passages, their FTS5 terms, filter scopes and vectors, in one SQLite database in WAL mode.
/// Every change to one source file is one transaction, so a killed ingestion leaves each file either wholly old
/// or wholly new, and readers keep searching while a writer works.
/// </summary>
public sealed class KnowledgeStore
{
    private const string SchemaVersion = "6";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public KnowledgeStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    public string Path { get; }

    public bool Exists => File.Exists(Path);

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        return await OpenRawAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;", cancellationToken);
        return connection;
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            var folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            await using var connection = await OpenRawAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var hasMeta = await ScalarAsync(connection, transaction, "SELECT 1 FROM sqlite_master WHERE name = 'meta';", cancellationToken) is not null;
            var version = hasMeta ? await ScalarAsync(connection, transaction, "SELECT value FROM meta WHERE key = 'schema';", cancellationToken) : null;
            if (version as string != SchemaVersion)
            {
                // An index from an older build: drop it; the next ingestion rebuilds it from the documents.
                await ExecuteAsync(connection, transaction, """
                    DROP TABLE IF EXISTS passages_terms; DROP TABLE IF EXISTS passages_fts; DROP TABLE IF EXISTS passage_vectors; DROP TABLE IF EXISTS passage_scope;
                    DROP TABLE IF EXISTS passages; DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS skipped; DROP TABLE IF EXISTS meta;
                    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE documents(
                        source TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, sha256 TEXT NOT NULL,
                        signature TEXT NOT NULL, passages INTEGER NOT NULL, ingested TEXT NOT NULL);
                    CREATE TABLE skipped(source TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, signature TEXT NOT NULL, reason TEXT NOT NULL);
                    CREATE TABLE passages(
                        rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, ordinal INTEGER NOT NULL,
                        kind INTEGER NOT NULL, title TEXT NOT NULL, section TEXT NOT NULL, line_start INTEGER NOT NULL,
                        line_end INTEGER NOT NULL, text TEXT NOT NULL, machine TEXT, line TEXT, fields TEXT);
                    CREATE INDEX passages_source ON passages(source, ordinal);
                    CREATE TABLE passage_scope(value TEXT NOT NULL, passage INTEGER NOT NULL, PRIMARY KEY(value, passage)) WITHOUT ROWID;
                    CREATE INDEX passage_scope_passage ON passage_scope(passage);
                    CREATE TABLE passage_vectors(passage INTEGER PRIMARY KEY, vector BLOB NOT NULL);
                    CREATE VIRTUAL TABLE passages_fts USING fts5(
                        heading, body, heading_stem, body_stem, scope,
                        tokenize = "unicode61 remove_diacritics 2 tokenchars '-_.'");
                    CREATE VIRTUAL TABLE passages_terms USING fts5vocab(passages_fts, 'row');
                    INSERT INTO meta(key, value) VALUES ('schema', '6'), ('generation', '0');
                    """, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    public async Task<Dictionary<string, DocumentRecord>> GetDocumentsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var result = new Dictionary<string, DocumentRecord>(StringComparer.Ordinal);
        await using var command = Command(connection, null, "SELECT source, size, mtime, sha256, signature, passages FROM documents;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = new DocumentRecord(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5));
            result[record.Source] = record;
        }

        return result;
    }

    public async Task<Dictionary<string, (long Size, long ModifiedTicks, string Signature)>> GetSkippedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var result = new Dictionary<string, (long, long, string)>(StringComparer.Ordinal);
        await using var command = Command(connection, null, "SELECT source, size, mtime, signature FROM skipped;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
        }

        return result;
    }

    /// <summary>Replaces everything the index holds for one source file, in one transaction.</summary>
    public async Task ReplaceDocumentAsync(DocumentRecord document, IReadOnlyList<StoredPassage> passages, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await DeleteSourceAsync(connection, transaction, document.Source, cancellationToken);

        await using var insertPassage = Command(connection, transaction, """
            INSERT INTO passages(id, source, ordinal, kind, title, section, line_start, line_end, text, machine, line, fields)
            VALUES ($id, $source, $ordinal, $kind, $title, $section, $start, $end, $text, $machine, $line, $fields) RETURNING rowid;
            """, "$id", "$source", "$ordinal", "$kind", "$title", "$section", "$start", "$end", "$text", "$machine", "$line", "$fields");
        await using var insertTerms = Command(connection, transaction,
            "INSERT INTO passages_fts(rowid, heading, body, heading_stem, body_stem, scope) VALUES ($rowid, $heading, $body, $heading_stem, $body_stem, $scope);",
            "$rowid", "$heading", "$body", "$heading_stem", "$body_stem", "$scope");
        await using var insertScope = Command(connection, transaction, "INSERT OR IGNORE INTO passage_scope(value, passage) VALUES ($value, $passage);", "$value", "$passage");
        await using var insertVector = Command(connection, transaction, "INSERT INTO passage_vectors(passage, vector) VALUES ($passage, $vector);", "$passage", "$vector");

        foreach (var stored in passages)
        {
            var p = stored.Passage;
            Set(insertPassage, p.Id, p.Source, stored.Ordinal, (int)p.Kind, p.Title, JsonSerializer.Serialize(p.SectionPath), p.LineStart, p.LineEnd, p.Text,
                p.Machine, p.Line, p.Fields is null ? null : JsonSerializer.Serialize(p.Fields));
            var rowid = (long)(await insertPassage.ExecuteScalarAsync(cancellationToken))!;

            var heading = TechnicalTokenizer.Terms(HeadingText(p));
            var body = TechnicalTokenizer.Terms(BodyText(p));
            var scope = stored.Scope.Count == 0 ? [PlantWideToken] : stored.Scope.Select(ScopeToken);
            Set(insertTerms, rowid, string.Join(' ', heading), string.Join(' ', body),
                string.Join(' ', TechnicalTokenizer.Stems(heading)), string.Join(' ', TechnicalTokenizer.Stems(body)),
                string.Join(' ', scope.Append(KindToken(p.Kind))));
            await insertTerms.ExecuteNonQueryAsync(cancellationToken);

            foreach (var value in stored.Scope)
            {
                Set(insertScope, value.ToLowerInvariant(), rowid);
                await insertScope.ExecuteNonQueryAsync(cancellationToken);
            }

            if (stored.Vector is { } vector)
            {
                Set(insertVector, rowid, MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
                await insertVector.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var upsert = Command(connection, transaction, """
            INSERT OR REPLACE INTO documents(source, size, mtime, sha256, signature, passages, ingested)
            VALUES ($source, $size, $mtime, $sha, $signature, $passages, $ingested);
            DELETE FROM skipped WHERE source = $source;
            """, "$source", "$size", "$mtime", "$sha", "$signature", "$passages", "$ingested"))
        {
            Set(upsert, document.Source, document.Size, document.ModifiedTicks, document.Sha256, document.Signature, passages.Count,
                DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await BumpGenerationAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Merges the FTS5 segments a run of small per-file transactions leaves, so queries read one b-tree.</summary>
    public async Task OptimizeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "INSERT INTO passages_fts(passages_fts) VALUES ('optimize');", cancellationToken);
    }

    /// <summary>A file whose content did not change but whose timestamp did: remember the new timestamp only.</summary>
    public async Task TouchDocumentAsync(string source, long size, long modifiedTicks, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "UPDATE documents SET size = $size, mtime = $mtime WHERE source = $source;", "$size", "$mtime", "$source");
        Set(command, size, modifiedTicks, source);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RemoveDocumentAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await DeleteSourceAsync(connection, transaction, source, cancellationToken);
        await using (var command = Command(connection, transaction, "DELETE FROM documents WHERE source = $s; DELETE FROM skipped WHERE source = $s;", "$s"))
        {
            Set(command, source);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await BumpGenerationAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Remembers a malformed file so it is not read again until it changes; its previous passages stay.</summary>
    public async Task RecordSkippedAsync(string source, long size, long modifiedTicks, string signature, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "INSERT OR REPLACE INTO skipped(source, size, mtime, signature, reason) VALUES ($s, $size, $mtime, $sig, $reason);",
            "$s", "$size", "$mtime", "$sig", "$reason");
        Set(command, source, size, modifiedTicks, signature, reason);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null, "SELECT value FROM meta WHERE key = $key;", cancellationToken, ("$key", key)) as string;
    }

    public async Task SetMetaAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "INSERT OR REPLACE INTO meta(key, value) VALUES ($key, $value);", "$key", "$value");
        Set(command, key, value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Scope term of a passage that names no machine or line: it passes every machine and line filter.</summary>
    public const string PlantWideToken = "_plant_wide_";

    public static string KindToken(DocumentKind kind) => "_kind_" + kind.ToString().ToLowerInvariant();

    /// <summary>A machine, machine type or line id as one FTS5 term: lower case, anything but letters, digits, '-', '_' and '.' as '_'.</summary>
    public static string ScopeToken(string value)
    {
        var token = new System.Text.StringBuilder(value.Length);
        foreach (var c in value.Trim().ToLowerInvariant())
        {
            token.Append(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return token.ToString();
    }

    /// <summary>The text of a passage's heading column: its document title and section path.</summary>
    public static string HeadingText(Passage passage) =>
        passage.Kind == DocumentKind.Incident
            ? string.Join(' ', passage.SectionPath)
            : passage.Title + " " + string.Join(' ', passage.SectionPath);

    /// <summary>
    /// The text of a passage's body column. An incident also gets the words its date stands for (year, month, season),
    /// so "the summer 2024 splay incidents" meets records dated 2024-07-15.
    /// </summary>
    public static string BodyText(Passage passage)
    {
        if (passage.Kind != DocumentKind.Incident ||
            passage.Fields?.GetValueOrDefault("date") is not { } date ||
            !DateOnly.TryParse(date, CultureInfo.InvariantCulture, out var day))
        {
            return passage.Text;
        }

        var season = day.Month switch
        {
            12 or 1 or 2 => "winter",
            3 or 4 or 5 => "spring",
            6 or 7 or 8 => "summer",
            _ => "autumn fall",
        };
        var month = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(day.Month);
        return $"{passage.Text}\n{day.Year} {month} {season} {day.DayOfWeek}";
    }

    private static async Task DeleteSourceAsync(SqliteConnection connection, SqliteTransaction transaction, string source, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            DELETE FROM passages_fts WHERE rowid IN (SELECT rowid FROM passages WHERE source = $s);
            DELETE FROM passage_scope WHERE passage IN (SELECT rowid FROM passages WHERE source = $s);
            DELETE FROM passage_vectors WHERE passage IN (SELECT rowid FROM passages WHERE source = $s);
            DELETE FROM passages WHERE source = $s;
            """, "$s");
        Set(command, source);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task BumpGenerationAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation';", cancellationToken);

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    internal static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    internal static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DBNull ? null : result;
    }
}
