using System.Globalization;
using System.Text.Json;
using Assistant.Core.Answering;
using Microsoft.Data.Sqlite;
using Assistant.Core.Security;

namespace Assistant.Web.Storage;

public sealed record ConversationSummary(string Id, string UserName, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A message as stored: the question, the answer as it was shown, and what it was built from.</summary>
public sealed record StoredMessage(
    string Id,
    string ConversationId,
    int Seq,
    string Question,
    UserRole Role,
    string? Machine,
    string AnswerText,
    string? Mode,
    string Status,
    string? Error,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<ToolCallRecord> ToolCalls,
    IReadOnlyList<string> Notes,
    DateTimeOffset CreatedAt,
    StoredFeedback? Feedback);

public sealed record StoredFeedback(int Rating, string? Comment, string GivenBy, DateTimeOffset CreatedAt);

/// <summary>Conversations and their messages, and the feedback given on answers: evaluation and training data later.</summary>
public sealed class ConversationStore(AssistantDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ConversationSummary> StartAsync(string userName, string title, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        var conversation = new ConversationSummary(NewId(), userName, Shorten(title, 120), now, now);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO conversations (id, user_name, title, created_at, updated_at) VALUES ($id, $user, $title, $now, $now)";
        command.Parameters.AddWithValue("$id", conversation.Id);
        command.Parameters.AddWithValue("$user", userName);
        command.Parameters.AddWithValue("$title", conversation.Title);
        command.Parameters.AddWithValue("$now", Format(now));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return conversation;
    }

    /// <summary>Saves a message (insert or replace by id) and touches its conversation.</summary>
    public async Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO messages (id, conversation_id, seq, question, role, machine, answer_text, mode, status, error,
                                      citations_json, tool_calls_json, notes_json, created_at)
                VALUES ($id, $conversation, $seq, $question, $role, $machine, $text, $mode, $status, $error,
                        $citations, $tools, $notes, $created)
                ON CONFLICT(id) DO UPDATE SET answer_text = excluded.answer_text, mode = excluded.mode,
                    status = excluded.status, error = excluded.error, citations_json = excluded.citations_json,
                    tool_calls_json = excluded.tool_calls_json, notes_json = excluded.notes_json
                """;
            command.Parameters.AddWithValue("$id", message.Id);
            command.Parameters.AddWithValue("$conversation", message.ConversationId);
            command.Parameters.AddWithValue("$seq", message.Seq);
            command.Parameters.AddWithValue("$question", message.Question);
            command.Parameters.AddWithValue("$role", message.Role.ToString());
            command.Parameters.AddWithValue("$machine", (object?)message.Machine ?? DBNull.Value);
            command.Parameters.AddWithValue("$text", message.AnswerText);
            command.Parameters.AddWithValue("$mode", (object?)message.Mode ?? DBNull.Value);
            command.Parameters.AddWithValue("$status", message.Status);
            command.Parameters.AddWithValue("$error", (object?)message.Error ?? DBNull.Value);
            command.Parameters.AddWithValue("$citations", JsonSerializer.Serialize(message.Citations, Json));
            command.Parameters.AddWithValue("$tools", JsonSerializer.Serialize(message.ToolCalls, Json));
            command.Parameters.AddWithValue("$notes", JsonSerializer.Serialize(message.Notes, Json));
            command.Parameters.AddWithValue("$created", Format(message.CreatedAt));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var touch = connection.CreateCommand())
        {
            touch.Transaction = transaction;
            touch.CommandText = "UPDATE conversations SET updated_at = $now WHERE id = $id";
            touch.Parameters.AddWithValue("$now", Format(DateTimeOffset.UtcNow));
            touch.Parameters.AddWithValue("$id", message.ConversationId);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(string userName, int limit = 50, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, user_name, title, created_at, updated_at FROM conversations WHERE user_name = $user ORDER BY updated_at DESC LIMIT $limit";
        command.Parameters.AddWithValue("$user", userName);
        command.Parameters.AddWithValue("$limit", limit);
        var list = new List<ConversationSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ConversationSummary(reader.GetString(0), reader.GetString(1), reader.GetString(2), Parse(reader.GetString(3)), Parse(reader.GetString(4))));
        }

        return list;
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = MessageSelect + " WHERE m.conversation_id = $id ORDER BY m.seq";
        command.Parameters.AddWithValue("$id", conversationId);
        return await ReadMessagesAsync(command, cancellationToken);
    }

    public async Task<StoredMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = MessageSelect + " WHERE m.id = $id";
        command.Parameters.AddWithValue("$id", messageId);
        return (await ReadMessagesAsync(command, cancellationToken)).FirstOrDefault();
    }

    /// <summary>Records a rating (+1 or -1) and an optional comment; the latest one counts. False when no such message.</summary>
    public async Task<bool> AddFeedbackAsync(string messageId, int rating, string? comment, string givenBy, CancellationToken cancellationToken = default)
    {
        if (rating is not (1 or -1))
        {
            throw new ArgumentOutOfRangeException(nameof(rating), rating, "A rating is +1 (helpful) or -1 (not helpful).");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO feedback (message_id, rating, comment, given_by, created_at)
            SELECT $id, $rating, $comment, $by, $now WHERE EXISTS (SELECT 1 FROM messages WHERE id = $id)
            """;
        command.Parameters.AddWithValue("$id", messageId);
        command.Parameters.AddWithValue("$rating", rating);
        command.Parameters.AddWithValue("$comment", string.IsNullOrWhiteSpace(comment) ? DBNull.Value : comment.Trim());
        command.Parameters.AddWithValue("$by", givenBy);
        command.Parameters.AddWithValue("$now", Format(DateTimeOffset.UtcNow));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private const string MessageSelect = """
        SELECT m.id, m.conversation_id, m.seq, m.question, m.role, m.machine, m.answer_text, m.mode, m.status, m.error,
               m.citations_json, m.tool_calls_json, m.notes_json, m.created_at,
               f.rating, f.comment, f.given_by, f.created_at
        FROM messages m
        LEFT JOIN feedback f ON f.id = (SELECT MAX(id) FROM feedback WHERE message_id = m.id)
        """;

    private static async Task<IReadOnlyList<StoredMessage>> ReadMessagesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<StoredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var feedback = reader.IsDBNull(14)
                ? null
                : new StoredFeedback(reader.GetInt32(14), reader.IsDBNull(15) ? null : reader.GetString(15), reader.GetString(16), Parse(reader.GetString(17)));
            list.Add(new StoredMessage(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetString(3),
                Enum.Parse<UserRole>(reader.GetString(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                JsonSerializer.Deserialize<List<Citation>>(reader.GetString(10), Json) ?? [],
                JsonSerializer.Deserialize<List<ToolCallRecord>>(reader.GetString(11), Json) ?? [],
                JsonSerializer.Deserialize<List<string>>(reader.GetString(12), Json) ?? [],
                Parse(reader.GetString(13)),
                feedback));
        }

        return list;
    }

    private static string NewId() => Guid.CreateVersion7().ToString("n");

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
