namespace Assistant.Cli.Tests;

public sealed class IngestCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task IngestsAFolderSkipsAMalformedFileAndReadsNothingTwice()
    {
        var root = Directory.CreateDirectory(_folder["plant"]).FullName;
        File.Copy(Path.Combine(Cli.ContentRoot, "knowledge", "manuals", "hydraulic-press-hp400.md"), Path.Combine(root, "hp400.md"));
        Directory.CreateDirectory(Path.Combine(root, "incidents"));
        File.WriteAllText(Path.Combine(root, "incidents", "broken.csv"), "not,the,incident,header\n1,2,3,4\n");
        var index = _folder["plant.db"];

        var first = await Cli.RunAsync("ingest", "--root", root, "--index", index);
        var second = await Cli.RunAsync("ingest", "--root", root, "--index", index);

        CliAssert.Success(first);
        Assert.Contains($"Ingesting {root} into {index}", first.Out);
        Assert.Matches(@"1 files read, 0 unchanged, 0 removed, [1-9]\d* passages written, 1 skipped", first.Out);
        Assert.Contains("skipped incidents/broken.csv: ", first.Out);
        CliAssert.Success(second);
        Assert.Contains("0 files read, 2 unchanged", second.Out);
        Assert.Matches(@"Index: 1 documents, [1-9]\d* passages", second.Out);
    }

    [Fact]
    public async Task AMissingFolderIsAUsageError()
    {
        CliAssert.UsageError(await Cli.RunAsync("ingest", "--root", _folder["nowhere"]), "nowhere");
    }

    public void Dispose() => _folder.Dispose();
}
