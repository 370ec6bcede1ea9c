using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Assistant.Web.Security;

/// <summary>
/// Per-key rate limits: a token bucket per API key name, refilled evenly over the minute, so one chatty client
/// cannot starve the others or the tablets. A refused call gets 429 with <c>Retry-After</c> as problem details.
/// </summary>
public static class ApiRateLimiting
{
    public const string PolicyName = "per-api-key";

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(PolicyName, context =>
            {
                var name = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null;
                if (name is null)
                {
                    // Unauthenticated calls never reach here for API endpoints (authorization runs first).
                    return RateLimitPartition.GetNoLimiter("anonymous");
                }

                var api = context.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue;
                var perMinute = api.Keys.FirstOrDefault(k => k.Name == name)?.PermitsPerMinute ?? api.DefaultPermitsPerMinute;
                return RateLimitPartition.GetTokenBucketLimiter($"{name}|{perMinute}", _ => Bucket(perMinute));
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
                    : 60;
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests for this API key.",
                        Detail = $"The key '{http.User.Identity?.Name}' used up its requests per minute. Retry after {retryAfter} s.",
                    },
                });
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perMinute) =>
        perMinute >= 60
            ? new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = perMinute / 60,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }
            : new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(60.0 / perMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
}
