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

    [Fact]
    public async Task AMalformedTrainingCsvIsOneLineNamingTheFile()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder.Path, "data", "ai4i2020")).FullName;
        var csv = Path.Combine(data, "ai4i2020.csv");
        File.WriteAllLines(csv,
        [
            "UDI,Product ID,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],Machine failure,TWF,HDF,PWF,OSF,RNF",
            "1,L1,L,300.0,310.0,1500,40.0,10,0,0,0,0,0,0",
            "2,L2,L,warm,310.0,1500,40.0,10,0,0,0,0,0,0",
        ]);

        var result = await Cli.RunAsync("train-classifier", "milling-failure", "--data", Path.Combine(_folder.Path, "data"), "--dry-run");

        CliAssert.OneLineFailure(result, csv, "malformed");
        CliAssert.NoStackTrace(result);
    }

    public void Dispose() => _folder.Dispose();
}
