using System.Text.Json;

namespace Assistant.Cli.Tests;

/// <summary>processes, optimize and fit-process over the process models in models/processes.</summary>
public sealed class ProcessCommandsTests : IDisposable
{
    private static readonly string Models = Path.Combine(Cli.ContentRoot, "models", "processes");

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ProcessesListsEveryModelWithItsLimits()
    {
        var result = await Cli.RunAsync("processes");

        CliAssert.Success(result);
        foreach (var name in ModelNames())
        {
            Assert.Contains($"{name} (", result.Out);
        }

        Assert.Contains("  variable ", result.Out);
        Assert.Contains("  objective ", result.Out);
    }

    [Fact]
    public async Task ABadRunsCsvIsReportedWithItsFileAndLineAndFailsTheListing()
    {
        var copy = CopyModels();
        var runs = Path.Combine(copy, "injection-moulding-cover.runs.csv");
        var lines = File.ReadAllLines(runs);
        lines[3] = string.Join(',', lines[3].Split(',').Select((cell, i) => i == 3 ? "warm" : cell));
        File.WriteAllLines(runs, lines);

        var result = await Cli.RunAsync(new Dictionary<string, string?> { ["Processes:Path"] = copy }, "processes");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"NOT LOADED .*injection-moulding-cover\.json: .*runs\.csv line 4: 'warm'", result.Out);
        CliAssert.NoStackTrace(result);
    }

    [Fact]
    public async Task OptimizePrintsTheSetpointsAndTheObjective()
    {
        var result = await Cli.RunAsync("optimize", "injection-moulding-cover", "--objective", "cost", "--seed", "3", "--time-limit", "5");

        CliAssert.Success(result);
        Assert.Contains("Objective: minimize cost", result.Out);
        Assert.Matches(@"(?m)^setpoint +unit +current +optimal", result.Out);
        Assert.Contains("seed 3", result.Out);
    }

    [Fact]
    public async Task OptimizeJsonIsTheToolsResult()
    {
        var result = await Cli.RunAsync("optimize", "injection-moulding-cover", "--objective", "scrap_rate", "--fix", "melt_temperature=285", "--json");

        CliAssert.Success(result);
        using var json = JsonDocument.Parse(result.Out);
        Assert.True(json.RootElement.EnumerateObject().Any());
        Assert.Contains("scrap_rate", result.Out);
    }

    [Fact]
    public async Task OptimizeWithoutAProcessListsThem()
    {
        var result = await Cli.RunAsync("optimize");

        CliAssert.Success(result);
        Assert.All(ModelNames(), name => Assert.Contains(name, result.Out));
    }

    [Fact]
    public async Task OptimizeRejectsBadBoundsLimitsAndNumbers()
    {
        CliAssert.UsageError(await Cli.RunAsync("optimize", "injection-moulding-cover", "--bounds", "melt_temperature=x"), "--bounds melt_temperature=x: write MIN:MAX");
        CliAssert.UsageError(await Cli.RunAsync("optimize", "injection-moulding-cover", "--limit", "cycle_time=30"), "--limit cycle_time=30: write KPI<=MAX or KPI>=MIN.");
        CliAssert.UsageError(await Cli.RunAsync("optimize", "injection-moulding-cover", "--fix", "melt_temperature=hot"), "'hot' is not a number");
        CliAssert.UsageError(await Cli.RunAsync("optimize", "injection-moulding-cover", "--time-limit", "soon"), "--time-limit takes a number, not 'soon'.");
    }

    [Fact]
    public async Task OptimizeAnUnknownProcessFailsNamingTheKnownOnes()
    {
        var result = await Cli.RunAsync("optimize", "BR-9");

        CliAssert.OneLineFailure(result, "BR-9", "injection-moulding-cover");
    }

    [Fact]
    public async Task FitProcessShowsTheFitAndWritesItOnlyWhenAsked()
    {
        var copy = CopyModels();
        var fit = Path.Combine(copy, "injection-moulding-cover.fit.json");
        File.Delete(fit);
        var settings = new Dictionary<string, string?> { ["Processes:Path"] = copy };

        var shown = await Cli.RunAsync(settings, "fit-process");
        Assert.False(File.Exists(fit));
        var written = await Cli.RunAsync(settings, "fit-process", "injection-moulding-cover", "--write");

        CliAssert.Success(shown);
        Assert.Contains("injection-moulding-cover: ", shown.Out);
        Assert.Contains("R² ", shown.Out);
        CliAssert.Success(written);
        Assert.Contains($"wrote {fit}", written.Out);
        Assert.True(File.Exists(fit));
    }

    [Fact]
    public async Task FitProcessOfAnUnknownProcessFails()
    {
        CliAssert.OneLineFailure(await Cli.RunAsync("fit-process", "nope"), "'nope'");
    }

    public void Dispose() => _folder.Dispose();

    private static IEnumerable<string> ModelNames() =>
        Directory.EnumerateFiles(Models, "*.json")
            .Where(f => !f.EndsWith(".fit.json", StringComparison.Ordinal))
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .ToList() is { Count: > 0 } names ? names : throw new InvalidOperationException($"No process models in {Models}.");

    private string CopyModels()
    {
        var copy = Directory.CreateDirectory(_folder[Guid.NewGuid().ToString("n")]).FullName;
        foreach (var file in Directory.EnumerateFiles(Models))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
