namespace Assistant.Cli.Tests;

/// <summary>Training is slow by nature: one honest run on a few hundred rows; the rest is argument handling.</summary>
public sealed class TrainClassifierCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ADryRunTrainsAndChecksTheExportButWritesNothing()
    {
        var result = await Cli.RunAsync(
            "train-classifier", "milling-failure", "--dry-run", "--max-rows", "400", "--rounds", "2", "--folds", "0", "--learning-rate", "0.3", "--out", _folder.Path);

        CliAssert.Success(result);
        Assert.Contains("milling-failure: ", result.Out);
        Assert.Contains("learning rate 0.3", result.Out);
        Assert.Matches(@"export check on \d+ held-out rows: 0 label mismatches", result.Out);
        Assert.Matches(@"trained in [0-9.]+ s, \d+ trees", result.Out);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task AnUnknownClassifierOrABadNumberIsAUsageError()
    {
        CliAssert.UsageError(await Cli.RunAsync("train-classifier", "spindle-bearing"), "'spindle-bearing'", "milling-failure", "hydraulic-condition");
        CliAssert.UsageError(await Cli.RunAsync("train-classifier", "milling-failure", "--learning-rate", "fast"), "--learning-rate takes a number, not 'fast'.");
        CliAssert.UsageError(await Cli.RunAsync("train-classifier", "milling-failure", "--rouns", "5"), "Did you mean '--rounds'?");
    }

    [Fact]
    public async Task MissingTrainingDataIsOneLineNamingWhereItLooked()
    {
        var result = await Cli.RunAsync("train-classifier", "milling-failure", "--data", _folder.Path, "--dry-run");

        CliAssert.OneLineFailure(result, _folder.Path);
    }

    public void Dispose() => _folder.Dispose();
}
