using Assistant.Web.Security;
using Assistant.Web.Storage;

namespace Assistant.Web.Api;

internal static class TriageEndpoints
{
    /// <summary>Set on a response that repeats a stored triage (same ticket id and content).</summary>
    public const string ReplayHeader = "Idempotent-Replayed";

    public static RouteGroupBuilder MapTriageApi(this RouteGroupBuilder api)
    {
        api.MapPost("/tickets/triage", TriageAsync)
            .WithName("TriageTicket")
            .WithSummary("Triage a new ticket: likely fault, similar past incidents, the manual procedure, a priority with its reason.")
            .WithDescription(
                "Idempotent per ticket id and content: the same ticket again returns the stored result (header Idempotent-Replayed: true) " +
                "without recomputation. The same id with different content (an edited ticket) is triaged again and replaces the stored result.")
            .Accepts<TriageBody>("application/json")
            .Produces<TriageResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireApiScope(ApiScopes.Triage);
        return api;
    }

    private static async Task<IResult> TriageAsync(
        HttpContext context, TriageService triage, TriageStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<TriageBody>(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (ticket, errors) = triage.Validate(body!);
        if (errors is not null)
        {
            return ApiJson.Invalid(errors);
        }

        var hash = ticket!.ContentHash();
        var stored = await store.FindAsync(ticket.TicketId, cancellationToken);
        if (stored is { } previous && previous.ContentHash == hash)
        {
            context.Response.Headers[ReplayHeader] = "true";
            return Results.Ok(previous.Result);
        }

        var result = await triage.TriageAsync(ticket, cancellationToken);
        await store.SaveAsync(result, ApiCaller.Actor(context), cancellationToken);
        await audit.WriteAsync(ApiCaller.Actor(context), stored is null ? "ticket.triaged" : "ticket.retriaged", ticket.TicketId,
            new { machine = result.Machine, priority = result.Priority.Level, contentHash = hash, previousHash = stored?.ContentHash },
            cancellationToken);
        context.Response.Headers[ReplayHeader] = "false";
        return Results.Ok(result);
    }
}
