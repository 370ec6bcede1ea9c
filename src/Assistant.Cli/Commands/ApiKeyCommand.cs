using System.Text.Json;
using Assistant.Core.Security;

namespace Assistant.Cli.Commands;

/// <summary>Makes a new REST API key: prints the key once (for the ticketing system) and the config entry (its hash only).</summary>
public sealed class ApiKeyCommand : ICliCommand
{
    private static readonly string[] Scopes = ["triage", "incidents:write", "ask", "feedback"];

    public string Name => "api-key";

    public string Summary => "Create a REST API key and print its appsettings.json entry (the key's SHA-256 only).";

    public string Usage => """
        --name NAME [--scopes triage,incidents:write,ask,feedback] [--per-minute N]
          --name        who the key is for, e.g. ticketing; the audit log records this name
          --scopes      comma-separated; default: all of triage, incidents:write, ask, feedback
          --per-minute  the key's rate limit (requests per minute); default: Api:DefaultPermitsPerMinute
        The key is printed once: give it to the caller (header X-Api-Key). Add the entry to Api:Keys.
        """;

    public Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args);
        var name = line.Get("name")?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 60)
        {
            throw new UsageException("--name is required (at most 60 characters), e.g. --name ticketing.");
        }

        var scopes = (line.Get("scopes") ?? string.Join(',', Scopes))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var unknown = scopes.Except(Scopes, StringComparer.Ordinal).ToList();
        if (scopes.Count == 0 || unknown.Count > 0)
        {
            throw new UsageException($"Unknown scope(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Scopes)}.");
        }

        int? perMinute = line.Has("per-minute") ? line.GetInt("per-minute", 0) : null;
        if (perMinute is < 1)
        {
            throw new UsageException("--per-minute must be at least 1.");
        }

        var key = ApiKeyHash.NewKey();
        var entry = new Dictionary<string, object> { ["Name"] = name, ["Hash"] = ApiKeyHash.Compute(key), ["Scopes"] = scopes };
        if (perMinute is not null)
        {
            entry["PermitsPerMinute"] = perMinute.Value;
        }

        context.Out.WriteLine($"API key for '{name}' (shown once; store it in the caller's secret store, send it as X-Api-Key):");
        context.Out.WriteLine();
        context.Out.WriteLine($"  {key}");
        context.Out.WriteLine();
        context.Out.WriteLine("Add this entry to Api:Keys in appsettings.json (it holds only the key's SHA-256):");
        context.Out.WriteLine();
        context.Out.WriteLine(JsonSerializer.Serialize(entry, new JsonSerializerOptions { WriteIndented = true }));
        return Task.FromResult(0);
    }
}
