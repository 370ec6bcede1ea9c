using Assistant.Web.Security;

namespace Assistant.Web.Api;

internal static class ApiCaller
{
    /// <summary>Who made the call, as the audit log and stored answers name it: <c>api:KEYNAME</c>, never the key.</summary>
    public static string Actor(HttpContext context) => "api:" + (context.User.Identity?.Name ?? "anonymous");

    public static string KeyName(HttpContext context) => context.User.Identity?.Name ?? "anonymous";

    public static bool HasScope(HttpContext context, string scope) => context.User.HasClaim(ApiScopes.ClaimType, scope);
}
