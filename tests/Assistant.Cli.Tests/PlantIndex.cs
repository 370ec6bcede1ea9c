namespace Assistant.Cli.Tests;

/// <summary>
/// The sample plant in knowledge/, indexed by <c>assistant ingest</c> into a temporary folder once per test class: the
/// repository's own index and database are never touched.
/// </summary>
public sealed class PlantIndex : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public PlantIndex()
    {
        Settings = new Dictionary<string, string?>
        {
            ["Knowledge:IndexPath"] = _folder["knowledge.db"],
            ["Assistant:DatabasePath"] = _folder["assistant.db"],
        };
    }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public string Folder => _folder.Path;

    public Task<CliResult> RunAsync(params string[] args) => Cli.RunAsync(Settings, args);

    public async Task InitializeAsync()
    {
        var result = await RunAsync("ingest");
        CliAssert.Success(result);
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
