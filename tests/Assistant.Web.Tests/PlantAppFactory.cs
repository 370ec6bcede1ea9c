using Assistant.Core;
using Assistant.Core.Knowledge;
using Assistant.Core.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

/// <summary>
/// The real web host over a copy of the sample plant in knowledge/ (incidents posted by tests are appended to the
/// copy, never to the repository), with its index and database in a temporary folder. The index is built once,
/// before the first test. API keys for the tests are configured hashed, as in production.
/// </summary>
public class PlantAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public PlantAppFactory()
        : this(null)
    {
    }

    /// <param name="dataDirectory">An existing data folder to start on, as a restarted host would; null for a new one.</param>
    /// <remarks>Not public: xunit builds class fixtures through their only public constructor.</remarks>
    internal PlantAppFactory(string? dataDirectory)
    {
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("assistant-web-tests-").FullName;
        KnowledgeRoot = Path.Combine(DataDirectory, "knowledge");
        if (dataDirectory is null)
        {
            CopyDirectory(Path.Combine(AssistantPaths.FindContentRoot(), "knowledge"), KnowledgeRoot);
        }
    }

    public string DataDirectory { get; }

    /// <summary>False for a host that shares its data folder with a later one (a restart test deletes it itself).</summary>
    public bool DeleteDataOnDispose { get; init; } = true;

    public string KnowledgeRoot { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Knowledge:Root", KnowledgeRoot);
        builder.UseSetting("Knowledge:IndexPath", Path.Combine(DataDirectory, "knowledge.db"));
        builder.UseSetting("Knowledge:IngestOnStartup", "false");
        builder.UseSetting("Assistant:DatabasePath", Path.Combine(DataDirectory, "assistant.db"));
        builder.UseSetting("Assistant:PlantLayoutPath", Path.Combine(KnowledgeRoot, "plant.json"));
        foreach (var (key, value) in TestKeys.Settings())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client that sends <paramref name="key"/> (default: the key with every scope) in X-Api-Key.</summary>
    public HttpClient CreateApiClient(string? key = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key ?? TestKeys.Full);
        return client;
    }

    public async Task InitializeAsync()
    {
        var report = await Services.GetRequiredService<IKnowledgeIngestor>().IngestAsync();
        if (report.PassagesWritten == 0)
        {
            throw new InvalidOperationException("The sample plant produced no passages; is knowledge/ empty?");
        }
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!DeleteDataOnDispose)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on a slow machine; the temp folder is cleaned by the OS.
        }
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>The API keys the tests use. Configuration gets only their hashes, like a real deployment.</summary>
public static class TestKeys
{
    /// <summary>Every scope, a rate limit no test reaches.</summary>
    public static readonly string Full = ApiKeyHash.NewKey();

    /// <summary>Only the triage scope.</summary>
    public static readonly string TriageOnly = ApiKeyHash.NewKey();

    /// <summary>The ask scope with 2 requests a minute, to see 429.</summary>
    public static readonly string Throttled = ApiKeyHash.NewKey();

    public static IEnumerable<(string Key, string Value)> Settings()
    {
        var keys = new (string Name, string Key, string[] Scopes, int PerMinute)[]
        {
            ("ticketing", Full, ["triage", "incidents:write", "ask", "feedback"], 1_000_000),
            ("triage-only", TriageOnly, ["triage"], 1_000_000),
            ("throttled", Throttled, ["ask"], 2),
        };
        for (var i = 0; i < keys.Length; i++)
        {
            yield return ($"Api:Keys:{i}:Name", keys[i].Name);
            yield return ($"Api:Keys:{i}:Hash", ApiKeyHash.Compute(keys[i].Key));
            yield return ($"Api:Keys:{i}:PermitsPerMinute", keys[i].PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var s = 0; s < keys[i].Scopes.Length; s++)
            {
                yield return ($"Api:Keys:{i}:Scopes:{s}", keys[i].Scopes[s]);
            }
        }
    }
}
