using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Assistant.Web.Security;

public static class ApiSecurityExtensions
{
    /// <summary>API keys (hashed, from <c>Api:Keys</c>), one authorization policy per scope, per-key rate limits.</summary>
    public static IServiceCollection AddApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();

        // No default scheme: only endpoints that ask for API keys authenticate, the Blazor UI is untouched.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var scope in ApiScopes.All)
            {
                options.AddPolicy(ApiScopes.Policy(scope), policy => policy
                    .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                    .RequireAuthenticatedUser()
                    .RequireClaim(ApiScopes.ClaimType, scope));
            }
        });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        services.AddApiRateLimiting();
        return services;
    }

    /// <summary>Authentication, then authorization (which sets the caller), then the per-key rate limiter.</summary>
    public static IApplicationBuilder UseApiSecurity(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization().UseRateLimiter();

    /// <summary>Requires an API key with <paramref name="scope"/> and counts the call against the key's rate limit.</summary>
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .RequireAuthorization(ApiScopes.Policy(scope))
            .RequireRateLimiting(ApiRateLimiting.PolicyName)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, ApiOptions options) =>
            options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}
