using System.Globalization;
using System.Text.Json;
using Assistant.Web.Storage;

namespace Assistant.Web.Api;

/// <summary>
/// Triage results by ticket id, with the content hash they were computed for: the same ticket again is answered from
/// here without recomputation; an edited ticket (same id, new content) replaces its entry.
/// Kept in the assistant's database (WAL, synchronous FULL) in a table of its own.
/// </summary>
public sealed class TriageStore(AssistantDatabase database)
{
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public async Task<(string ContentHash, TriageResult Result)?> FindAsync(string ticketId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT content_hash, result_json FROM triage_results WHERE ticket_id = $id";
        command.Parameters.AddWithValue("$id", ticketId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var result = JsonSerializer.Deserialize<TriageResult>(reader.GetString(1), ApiJson.Options)
            ?? throw new InvalidDataException($"The stored triage of ticket {ticketId} is empty.");
        return (reader.GetString(0), result);
    }

    public async Task SaveAsync(TriageResult result, string triagedBy, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO triage_results (ticket_id, content_hash, result_json, triaged_by, created_at)
            VALUES ($id, $hash, $json, $by, $at)
            ON CONFLICT(ticket_id) DO UPDATE SET content_hash = excluded.content_hash, result_json = excluded.result_json,
                triaged_by = excluded.triaged_by, created_at = excluded.created_at
            """;
        command.Parameters.AddWithValue("$id", result.TicketId);
        command.Parameters.AddWithValue("$hash", result.ContentHash);
        command.Parameters.AddWithValue("$json", JsonSerializer.Serialize(result, ApiJson.Options));
        command.Parameters.AddWithValue("$by", triagedBy);
        command.Parameters.AddWithValue("$at", result.TriagedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        if (!_schemaReady)
        {
            await _schemaLock.WaitAsync(cancellationToken);
            try
            {
                await using var create = connection.CreateCommand();
                create.CommandText = """
                    CREATE TABLE IF NOT EXISTS triage_results (
                        ticket_id TEXT PRIMARY KEY,
                        content_hash TEXT NOT NULL,
                        result_json TEXT NOT NULL,
                        triaged_by TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    )
                    """;
                await create.ExecuteNonQueryAsync(cancellationToken);
                _schemaReady = true;
            }
            finally
            {
                _schemaLock.Release();
            }
        }

        return connection;
    }
}
