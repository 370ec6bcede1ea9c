using Assistant.Core;
using Assistant.Core.Knowledge;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Assistant.EndToEnd.Tests;

/// <summary>
/// The real assistant on a loopback port (Kestrel) over the sample plant, and Debian's Chromium driven by
/// Playwright. The browser is the system's: no browser download happens.
/// </summary>
public class BrowserFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("assistant-e2e-").FullName;

    public IBrowser Browser { get; private set; } = default!;

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>Screenshots land here so a person can look at what the test saw.</summary>
    public static string ArtifactsDirectory { get; } = FindArtifacts();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // A copy of the sample plant, so nothing a test does reaches the repository's knowledge/.
        var knowledge = Path.Combine(DataDirectory, "knowledge");
        CopyDirectory(Path.Combine(AssistantPaths.FindContentRoot(), "knowledge"), knowledge);
        builder.UseSetting("Knowledge:Root", knowledge);
        builder.UseSetting("Assistant:PlantLayoutPath", Path.Combine(knowledge, "plant.json"));
        builder.UseSetting("Knowledge:IndexPath", Path.Combine(DataDirectory, "knowledge.db"));
        builder.UseSetting("Knowledge:IngestOnStartup", "false");
        builder.UseSetting("Assistant:DatabasePath", Path.Combine(DataDirectory, "assistant.db"));
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./eng/test.sh, which installs Debian's chromium.");
        }

        UseKestrel(0);
        StartServer();
        BaseAddress = ClientOptions.BaseAddress;
        await Services.GetRequiredService<IKnowledgeIngestor>().IngestAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A fresh page at the size of a 10-inch tablet held in landscape.</summary>
    public async Task<IPage> NewTabletPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            HasTouch = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static string FindArtifacts()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Assistant.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "screenshots")).FullName;
            }
        }

        return Directory.CreateTempSubdirectory("assistant-screenshots-").FullName;
    }
}
