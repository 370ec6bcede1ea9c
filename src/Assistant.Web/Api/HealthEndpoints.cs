using Assistant.Core.Knowledge;
using Assistant.Core.LanguageModel;

namespace Assistant.Web.Api;

public sealed record ComponentHealth(bool Ready, string Description, string? Error = null);

/// <param name="Status">"ready" (the index answers), "degraded" (ready, but a configured model failed to load) or "not-ready".</param>
public sealed record HealthReport(
    string Status,
    bool Live,
    bool Ready,
    ComponentHealth Index,
    ComponentHealth Model,
    ComponentHealth Classifiers,
    DateTimeOffset CheckedAt);

internal static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealthApi(this RouteGroupBuilder api)
    {
        api.MapGet("/health", async (HttpContext context, CancellationToken cancellationToken) =>
                Results.Ok(await CheckAsync(context.RequestServices, cancellationToken)))
            .WithName("Health")
            .WithSummary("Liveness and readiness: the index, the language model and the fault classifiers. No key needed.")
            .Produces<HealthReport>()
            .AllowAnonymous();

        api.MapGet("/health/ready", async (HttpContext context, CancellationToken cancellationToken) =>
            {
                var report = await CheckAsync(context.RequestServices, cancellationToken);
                return report.Ready ? Results.Ok(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("Ready")
            .WithSummary("200 when the assistant can answer (the index has passages), 503 while not: for load balancers.")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable)
            .AllowAnonymous();
        return api;
    }

    internal static async Task<HealthReport> CheckAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var index = await IndexHealthAsync(services.GetService<IKnowledgeIndex>(), cancellationToken);
        var model = services.GetService<ILanguageModelHost>()?.State is { } state
            ? new ComponentHealth(state.Available, state.Description, state.Error)
            : new ComponentHealth(false, "no language model host; answers are retrieval-only");
        var classifiers = services.GetService<ITicketFaultClassifier>()?.State is { } c
            ? new ComponentHealth(c.Available, c.Description)
            : new ComponentHealth(false, "no fault classifier service");
        // Retrieval-only is a normal mode (no model configured); a configured model that failed to load is not.
        var status = !index.Ready ? "not-ready" : model.Error is not null ? "degraded" : "ready";
        return new HealthReport(status, Live: true, index.Ready, index, model, classifiers, DateTimeOffset.UtcNow);
    }

    private static async Task<ComponentHealth> IndexHealthAsync(IKnowledgeIndex? index, CancellationToken cancellationToken)
    {
        if (index is null)
        {
            return new ComponentHealth(false, "no knowledge index is registered");
        }

        try
        {
            var status = await index.GetStatusAsync(cancellationToken);
            var description = $"{status.Documents} documents, {status.Passages} passages" +
                (status.LastIngested is { } at ? $", ingested {at:u}" : ", never ingested") +
                (status.VectorsAvailable ? ", vectors on" : ", lexical only");
            return status.Passages > 0
                ? new ComponentHealth(true, description)
                : new ComponentHealth(false, description, "The index is empty: ingestion has not run or found no documents ('assistant ingest').");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ComponentHealth(false, "the index cannot be read", ex.Message);
        }
    }
}
