using System.Text.Json;
using Assistant.Core.Security;

namespace Assistant.Core.Answering;

public sealed record ChatTurn(string Role, string Text);

/// <param name="Role">The asker's role, from their account or API key: never picked freely.</param>
/// <param name="Scope">The lines the asker may see; null sees the whole plant.</param>
public sealed record AskRequest(
    string Question,
    string? Machine = null,
    int TopK = 5,
    UserRole Role = UserRole.Technician,
    IReadOnlyList<ChatTurn>? History = null,
    AccessScope? Scope = null);

/// <summary>A numbered reference in an answer: [Number] maps to a passage the answer was built from.</summary>
public sealed record Citation(
    int Number,
    string PassageId,
    string Source,
    string Title,
    string Section,
    int LineStart,
    int LineEnd,
    string Excerpt);

/// <summary>A tool the answer called, with its arguments and its result or error, as JSON.</summary>
public sealed record ToolCallRecord(
    string Id,
    string Name,
    JsonElement Arguments,
    JsonElement? Result = null,
    string? Error = null);

public static class AnswerModes
{
    public const string RetrievalOnly = "retrieval-only";
    public const string Model = "model";
}

/// <param name="Mode"><see cref="AnswerModes"/>.</param>
/// <param name="Notes">What the reader should know about the answer: removed citations, missing coverage.</param>
public sealed record Answer(
    string Id,
    string Question,
    string Text,
    IReadOnlyList<Citation> Citations,
    string Mode,
    IReadOnlyList<ToolCallRecord> ToolCalls,
    IReadOnlyList<string> Notes);

/// <summary>What an answer stream yields, in order: text as it comes, tool calls as they run, then the answer.</summary>
public abstract record AnswerUpdate;

public sealed record AnswerTextDelta(string Text) : AnswerUpdate;

public sealed record ToolCallStarted(ToolCallRecord Call) : AnswerUpdate;

public sealed record ToolCallCompleted(ToolCallRecord Call) : AnswerUpdate;

public sealed record AnswerCompleted(Answer Answer) : AnswerUpdate;

public interface IAnswerService
{
    IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, CancellationToken cancellationToken = default);
}

public static class AnswerServiceExtensions
{
    /// <summary>Runs the stream to its end and returns the finished answer.</summary>
    public static async Task<Answer> AskAsync(this IAnswerService service, AskRequest request, CancellationToken cancellationToken = default)
    {
        await foreach (var update in service.StreamAsync(request, cancellationToken))
        {
            if (update is AnswerCompleted completed)
            {
                return completed.Answer;
            }
        }

        throw new InvalidOperationException("The answer stream ended without an answer.");
    }
}
