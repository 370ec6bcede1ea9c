using Assistant.Core.Security;

namespace Assistant.Web.Security;

/// <summary>The <c>Api</c> section of appsettings.json: who may call the REST API, how often and how much.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>The largest request body accepted, in bytes; larger ones get 413.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Requests per minute for a key that does not set its own.</summary>
    public int DefaultPermitsPerMinute { get; set; } = 120;

    public List<ApiKeyEntry> Keys { get; set; } = [];

    public string? Validate()
    {
        if (MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            return $"Api:MaxBodyBytes must be between 1024 and 16777216, not {MaxBodyBytes}.";
        }

        if (DefaultPermitsPerMinute < 1)
        {
            return "Api:DefaultPermitsPerMinute must be at least 1.";
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var at = $"Api:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name) || !names.Add(key.Name))
            {
                return $"{at}:Name must be set and unique (it is who the audit log names).";
            }

            if (!ApiKeyHash.IsWellFormed(key.Hash))
            {
                return $"{at}:Hash must be 'sha256:' and 64 hex digits; 'assistant api-key --name {key.Name}' prints one. Never put the key itself here.";
            }

            var unknown = key.Scopes.Where(s => !ApiScopes.All.Contains(s)).ToList();
            if (unknown.Count > 0)
            {
                return $"{at}:Scopes has unknown scope(s) {string.Join(", ", unknown)}; known: {string.Join(", ", ApiScopes.All)}.";
            }

            if (key.PermitsPerMinute is < 1)
            {
                return $"{at}:PermitsPerMinute must be at least 1.";
            }
        }

        return null;
    }
}

/// <param name="Name">Who the key belongs to, e.g. "ticketing"; the audit log records this, never the key.</param>
/// <param name="Hash"><c>sha256:HEX</c> of the key (see <see cref="ApiKeyHash"/>).</param>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";

    public string Hash { get; set; } = "";

    public List<string> Scopes { get; set; } = [];

    /// <summary>Overrides <see cref="ApiOptions.DefaultPermitsPerMinute"/> for this key.</summary>
    public int? PermitsPerMinute { get; set; }
}

/// <summary>What an API key may do. A key gets only the scopes its configuration entry lists.</summary>
public static class ApiScopes
{
    public const string Triage = "triage";
    public const string IncidentsWrite = "incidents:write";
    public const string Ask = "ask";
    public const string Feedback = "feedback";

    public static readonly IReadOnlyList<string> All = [Triage, IncidentsWrite, Ask, Feedback];

    /// <summary>The claim type a key's scopes are carried in.</summary>
    public const string ClaimType = "scope";

    public static string Policy(string scope) => "scope:" + scope;
}
