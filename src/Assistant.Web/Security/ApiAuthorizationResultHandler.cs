using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Assistant.Web.Security;

/// <summary>
/// Answers a refused API call with RFC 7807 problem details: 401 with <c>WWW-Authenticate</c> when there is no
/// valid key, 403 naming the missing scope when the key may not do this. Everything else keeps the default behaviour.
/// </summary>
public sealed class ApiAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!policy.AuthenticationSchemes.Contains(ApiKeyAuthenticationHandler.SchemeName) || authorizeResult.Succeeded)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (authorizeResult.Challenged)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = $"{ApiKeyAuthenticationHandler.SchemeName} header=\"{ApiKeyAuthenticationHandler.HeaderName}\"";
            await WriteAsync(context, "An API key is required.",
                context.Items[ApiKeyAuthenticationHandler.FailureItem] as string
                    ?? $"Send a valid key in the '{ApiKeyAuthenticationHandler.HeaderName}' header.");
            return;
        }

        var missing = authorizeResult.AuthorizationFailure?.FailedRequirements
            .OfType<ClaimsAuthorizationRequirement>()
            .SelectMany(r => r.AllowedValues ?? [])
            .ToList() ?? [];
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteAsync(context, "The API key may not do this.",
            missing.Count > 0
                ? $"The key '{context.User.Identity?.Name}' lacks the scope '{string.Join("' or '", missing)}'. Add it to the key's Scopes in the Api:Keys configuration."
                : $"The key '{context.User.Identity?.Name}' is not allowed to call this endpoint.");
    }

    private Task WriteAsync(HttpContext context, string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = context.Response.StatusCode, Title = title, Detail = detail },
        }).AsTask();
}
