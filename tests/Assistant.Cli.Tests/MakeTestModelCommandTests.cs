namespace Assistant.Cli.Tests;

public sealed class MakeTestModelCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task WritesAChatModelAnAdapterAndAnEmbeddingModel()
    {
        var result = await Cli.RunAsync("make-test-model", "--out", _folder.Path, "--seed", "7");

        CliAssert.Success(result);
        Assert.True(new FileInfo(_folder["chat.gguf"]).Length > 0);
        Assert.True(new FileInfo(_folder["embed.gguf"]).Length > 0);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "adapters", "adapters.json")));
        Assert.Contains($"chat model      {_folder["chat.gguf"]}", result.Out);
        Assert.Contains("\"Llama\": {", result.Out);
    }

    [Fact]
    public async Task AnUnknownSizeIsAUsageError()
    {
        CliAssert.UsageError(await Cli.RunAsync("make-test-model", "--out", _folder.Path, "--size", "huge"), "'huge'", "small", "bench");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    public void Dispose() => _folder.Dispose();
}
