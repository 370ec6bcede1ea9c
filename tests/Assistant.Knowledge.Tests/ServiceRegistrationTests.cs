using Assistant.Core.Knowledge;
using Assistant.Knowledge.Indexing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assistant.Knowledge.Tests;

public sealed class ServiceRegistrationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        before?.Invoke(services);
        services.AddKnowledge(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Startup_ingestion_brings_a_stale_index_up_to_date_in_the_background()
    {
        var root = _temp.WithPlantFixture();
        await using var services = Build(new()
        {
            ["Knowledge:Root"] = root,
            ["Knowledge:IndexPath"] = _temp.Combine("data", "knowledge.db"),
            ["Knowledge:IngestOnStartup"] = "true",
        });

        var startup = Assert.IsType<StartupIngestionService>(Assert.Single(services.GetServices<IHostedService>()));
        var index = services.GetRequiredService<IKnowledgeIndex>();
        Assert.Equal(0, (await index.GetStatusAsync()).Passages);

        await startup.StartAsync(CancellationToken.None);
        var report = await startup.Completion.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.NotNull(report);
        Assert.Equal(6, report.FilesRead);
        Assert.NotEmpty(await index.SearchAsync(new SearchQuery("E-217", 3)));
        Assert.False(await services.GetRequiredService<IKnowledgeIngestor>().IsStaleAsync());
        await startup.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Without_startup_ingestion_nothing_runs_in_the_background_and_the_index_is_one_instance()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Knowledge:Root"] = _temp.WithPlantFixture(),
            ["Knowledge:IndexPath"] = _temp.Combine("data", "knowledge.db"),
            ["Knowledge:IngestOnStartup"] = "false",
        };

        await using var services = Build(settings);

        Assert.Empty(services.GetServices<IHostedService>());
        Assert.Same(services.GetRequiredService<IKnowledgeIndex>(), services.GetRequiredService<IKnowledgeIndex>());
        Assert.Same(services.GetRequiredService<SqliteKnowledgeIndex>(), services.GetRequiredService<IKnowledgeIndex>());
    }

    [Fact]
    public void Invalid_options_are_refused_with_what_to_fix()
    {
        using var services = Build(new() { ["Knowledge:MaxPassageChars"] = "10", ["Knowledge:IngestOnStartup"] = "false" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IKnowledgeIndex>());
        Assert.Contains("Knowledge:MaxPassageChars must be between 200 and 20000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_content_root()
    {
        using var services = Build(new() { ["Knowledge:IngestOnStartup"] = "false" }, s => s.AddSingleton<IHostEnvironment>(new Environment(_temp.Path)));

        var settings = services.GetRequiredService<KnowledgeSettings>();

        Assert.Equal(_temp.Combine("knowledge"), settings.RootPath);
        Assert.Equal(_temp.Combine("data", "knowledge.db"), settings.IndexPath);
        Assert.Equal(_temp.Combine("knowledge", "plant.json"), settings.PlantLayoutPath);
        Assert.Contains("eval/**", settings.Exclude);
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = root;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
