using System.Security.Claims;
using System.Text.Encodings.Web;
using Assistant.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Assistant.Web.Security;

/// <summary>
/// Authenticates REST API callers by the key in <c>X-Api-Key</c> (or <c>Authorization: Bearer KEY</c>) against the
/// hashed keys in configuration. Only API endpoints ask for this scheme, so a key never opens the UI.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptionsMonitor<ApiOptions> apiOptions,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>Why the last attempt failed, for the 401 problem's detail (no secret in it).</summary>
    internal const string FailureItem = "api-key-failure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null)
        {
            Context.Items[FailureItem] = $"No API key was sent. Send it in the '{HeaderName}' header.";
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Hash every configured entry (constant time each), so timing says nothing about which key was close.
        ApiKeyEntry? match = null;
        foreach (var entry in apiOptions.CurrentValue.Keys)
        {
            if (ApiKeyHash.Matches(presented, entry.Hash))
            {
                match = entry;
            }
        }

        if (match is null)
        {
            Context.Items[FailureItem] = "The API key is not recognised. Ask the assistant's administrator for a key ('assistant api-key').";
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, match.Name) };
        claims.AddRange(match.Scopes.Select(s => new Claim(ApiScopes.ClaimType, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    internal static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]))
        {
            return values[0]!.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;
    }
}
