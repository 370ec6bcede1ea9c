using Assistant.Knowledge.Incidents;
using Assistant.Web.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;

namespace Assistant.Web.Api;

public static class ApiComposition
{
    /// <summary>The REST API's services: keys, scopes and limits, triage, answer recording, event streams, the OpenAPI document.</summary>
    public static IServiceCollection AddAssistantApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddApiSecurity(configuration);
        services.AddIncidentLog(configuration.GetSection("Api:IncidentLog"));
        services.AddOptions<TriageOptions>().Bind(configuration.GetSection(TriageOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITicketFaultClassifier, ClassifierTicketFaultClassifier>();
        services.AddSingleton<TriageService>();
        services.AddSingleton<TriageStore>();
        services.AddSingleton<ApiAnswerRecorder>();
        services.AddOptions<EventStreamOptions>()
            .Bind(configuration.GetSection(EventStreamOptions.SectionName))
            .Validate(o => double.IsFinite(o.KeepAliveSeconds) && o.KeepAliveSeconds > 0, $"{EventStreamOptions.SectionName}:KeepAliveSeconds must be a positive number of seconds.")
            .ValidateOnStart();
        services.AddOpenApi(options => options.AddDocumentTransformer<ApiKeyDocumentTransformer>());
        return services;
    }

    /// <summary>Everything under <c>/api/v1</c>, and the OpenAPI document at <c>/openapi/v1.json</c> (no key needed).</summary>
    public static WebApplication MapAssistantApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapGroup("/api/v1")
            .WithTags("Assistant")
            .MapAskApi()
            .MapTriageApi()
            .MapIncidentApi()
            .MapFeedbackApi()
            .MapHealthApi();
        return app;
    }

    /// <summary>Declares the API key scheme, so clients generated from the document send <c>X-Api-Key</c>.</summary>
    private sealed class ApiKeyDocumentTransformer : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info.Title = "Shop-floor assistant API";
            document.Info.Description =
                "Ticket triage, incident feedback, questions and answer ratings. Send an API key in the X-Api-Key header; " +
                "each key has scopes (triage, incidents:write, ask, feedback). Errors are RFC 7807 problem details.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key from 'assistant api-key'; the configuration holds only its SHA-256.",
            };
            return Task.CompletedTask;
        }
    }
}
