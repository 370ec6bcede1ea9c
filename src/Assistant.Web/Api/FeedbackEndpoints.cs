using System.Text.Json;
using Assistant.Web.Security;
using Assistant.Web.Storage;

namespace Assistant.Web.Api;

/// <param name="AnswerId">The <c>id</c> of an answer from <c>POST /api/v1/ask</c> (or the chat).</param>
/// <param name="Rating">+1 or -1, or "up" or "down".</param>
/// <param name="Comment">Optional: what was wrong or right about the answer (at most 2000 characters).</param>
public sealed record FeedbackBody(string? AnswerId, JsonElement? Rating, string? Comment = null);

public sealed record FeedbackRecorded(string AnswerId, int Rating, string? Comment);

internal static class FeedbackEndpoints
{
    private const int MaxComment = 2000;

    public static RouteGroupBuilder MapFeedbackApi(this RouteGroupBuilder api)
    {
        api.MapPost("/feedback", GiveFeedbackAsync)
            .WithName("GiveFeedback")
            .WithSummary("Rate an answer (+1/-1 or up/down) with an optional comment; the latest rating counts.")
            .Accepts<FeedbackBody>("application/json")
            .Produces<FeedbackRecorded>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireApiScope(ApiScopes.Feedback);
        return api;
    }

    private static async Task<IResult> GiveFeedbackAsync(
        HttpContext context, ConversationStore conversations, AuditLog audit, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<FeedbackBody>(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>();
        var answerId = body!.AnswerId?.Trim() ?? "";
        if (answerId.Length is 0 or > 100)
        {
            errors["answerId"] = ["answerId is required: the id of an answer from POST /api/v1/ask."];
        }

        var rating = ParseRating(body.Rating);
        if (rating is null)
        {
            errors["rating"] = ["rating must be 1 or -1, or \"up\" or \"down\"."];
        }

        var comment = string.IsNullOrWhiteSpace(body.Comment) ? null : body.Comment.Trim();
        if (comment?.Length > MaxComment)
        {
            errors["comment"] = [$"comment has {comment.Length} characters; at most {MaxComment} are allowed."];
        }

        if (errors.Count > 0)
        {
            return ApiJson.Invalid(errors);
        }

        if (!await conversations.AddFeedbackAsync(answerId, rating!.Value, comment, ApiCaller.Actor(context), cancellationToken))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such answer.",
                detail: $"No answer has the id '{(answerId.Length <= 60 ? answerId : answerId[..60] + "…")}'. Use the id of an answer from POST /api/v1/ask.");
        }

        await audit.WriteAsync(ApiCaller.Actor(context), "feedback.recorded", answerId,
            new { rating, commentLength = comment?.Length ?? 0 }, cancellationToken);
        return Results.Ok(new FeedbackRecorded(answerId, rating.Value, comment));
    }

    private static int? ParseRating(JsonElement? rating) => rating switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var v) && v is 1 or -1 => n.GetInt32(),
        { ValueKind: JsonValueKind.String } s => s.GetString()?.Trim().ToLowerInvariant() switch
        {
            "up" or "+1" or "1" => 1,
            "down" or "-1" => -1,
            _ => null,
        },
        _ => null,
    };
}
