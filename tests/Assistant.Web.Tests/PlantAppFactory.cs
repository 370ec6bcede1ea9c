using Assistant.Core.Knowledge;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

/// <summary>
/// The real web host over the sample plant in knowledge/, with its index and database in a temporary folder
/// so tests never touch a developer's data/ folder. The index is built once, before the first test.
/// </summary>
public class PlantAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("assistant-web-tests-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Knowledge:IndexPath", Path.Combine(DataDirectory, "knowledge.db"));
        builder.UseSetting("Knowledge:IngestOnStartup", "false");
        builder.UseSetting("Assistant:DatabasePath", Path.Combine(DataDirectory, "assistant.db"));
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
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on a slow machine; the temp folder is cleaned by the OS.
        }
    }
}
