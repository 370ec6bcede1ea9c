using System.CommandLine;
using System.Text.Json;
using Assistant.Core.Security;

namespace Assistant.Cli.Commands;

/// <summary>Makes a new REST API key: prints the key once (for the ticketing system) and the config entry (its hash only).</summary>
internal sealed class ApiKeyCommand : Command
{
    private static readonly string[] Scopes = ["triage", "incidents:write", "ask", "feedback"];

    private readonly CliContext _cli;
    private readonly Option<string> _name = new Option<string>("--name")
    {
        Description = "who the key is for, e.g. ticketing; the audit log records this name",
        Required = true,
    }.Require(n => n.Trim().Length is > 0 and <= 60, "a name of 1 to 60 characters");

    private readonly Option<string[]> _scopes = new("--scopes")
    {
        Description = $"comma-separated; default: all of {string.Join(", ", Scopes)}",
        CustomParser = result => result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        DefaultValueFactory = _ => Scopes,
    };

    private readonly Option<int?> _perMinute = new Option<int?>("--per-minute")
    {
        Description = "the key's rate limit (requests per minute); default: Api:DefaultPermitsPerMinute",
        HelpName = "N",
        CustomParser = CliOptions.OptionalWholeNumber,
    }.Require(n => n >= 1, "1 or more requests per minute");

    public ApiKeyCommand(CliContext cli)
        : base("api-key", """
            Create a REST API key and print its appsettings.json entry (the key's SHA-256 only).
            The key is printed once: give it to the caller (header X-Api-Key). Add the entry to Api:Keys.
            """)
    {
        _cli = cli;
        Options.Add(_name);
        Options.Add(_scopes);
        Options.Add(_perMinute);
        _scopes.Validators.Add(result =>
        {
            var scopes = result.GetValueOrDefault<string[]>() ?? [];
            var unknown = scopes.Except(Scopes, StringComparer.Ordinal).ToList();
            if (scopes.Length == 0 || unknown.Count > 0)
            {
                result.AddError($"Unknown scope(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Scopes)}.");
            }
        });
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var name = parse.GetRequiredValue(_name).Trim();
        var scopes = parse.GetRequiredValue(_scopes).Distinct(StringComparer.Ordinal).ToList();
        var perMinute = parse.GetValue(_perMinute);
        var key = ApiKeyHash.NewKey();
        var entry = new Dictionary<string, object> { ["Name"] = name, ["Hash"] = ApiKeyHash.Compute(key), ["Scopes"] = scopes };
        if (perMinute is not null)
        {
            entry["PermitsPerMinute"] = perMinute.Value;
        }

        var output = _cli.Out;
        output.WriteLine($"API key for '{name}' (shown once; store it in the caller's secret store, send it as X-Api-Key):");
        output.WriteLine();
        output.WriteLine($"  {key}");
        output.WriteLine();
        output.WriteLine("Add this entry to Api:Keys in appsettings.json (it holds only the key's SHA-256):");
        output.WriteLine();
        output.WriteLine(JsonSerializer.Serialize(entry, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
