namespace Assistant.Cli.Tests;

/// <summary>
/// The benchmark verbs are slow by nature: each runs once with its smallest honest arguments (the same code and
/// output as a full run, on less work); the rest is their argument handling. Figures are never asserted.
/// </summary>
public sealed class BenchCommandsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task BenchOptimizerSolvesEveryProcessAndObjective()
    {
        var result = await Cli.RunAsync("bench-optimizer", "--repeat", "1", "--seed", "7");

        CliAssert.Success(result);
        Assert.Matches(@"(?m)^process +objective +eval µs", result.Out);
        Assert.Matches(@"(?m)^injection-moulding-cover +cost ", result.Out);
        Assert.Matches(@"(?m)^batch-reactor-coupling-agent +yield ", result.Out);
        Assert.Contains("1 solves each, seed 7", result.Out);
        CliAssert.UsageError(await Cli.RunAsync("bench-optimizer", "--repeat", "0"), "--repeat takes at least 1, not 0.");
    }

    [Fact]
    public async Task BenchClassifierTimesEveryClassifier()
    {
        var result = await Cli.RunAsync("bench-classifier", "--iterations", "5", "--batch", "4");

        CliAssert.Success(result);
        Assert.Contains("5 iterations", result.Out);
        Assert.Matches(@"(?m)^milling-failure: batch of 4, no contributions +\S", result.Out);
        Assert.Matches(@"(?m)^hydraulic-condition: tool, machine id \(HP-\d\), JSON out +\S", result.Out);
        CliAssert.UsageError(await Cli.RunAsync("bench-classifier", "--batch", "0"), "--batch takes at least 1, not 0.");
    }

    [Fact]
    public async Task BenchClassifierOnABadReadingsCsvNamesTheFileAndLine()
    {
        var readings = _folder["latest.csv"];
        File.WriteAllLines(readings, ["machine,read_at,feature,value,unit", "CNC-1,2025-10-01T08:00:00Z,torque,40.1,Nm", "CNC-1,2025-10-01T08:00:00Z,speed"]);

        var result = await Cli.RunAsync(new Dictionary<string, string?> { ["Classifiers:ReadingsPath"] = readings }, "bench-classifier", "--iterations", "5");

        CliAssert.OneLineFailure(result, readings, "line 3");
    }

    [Fact]
    public async Task BenchRetrievalMeasuresIngestionAndLatency()
    {
        var result = await Cli.RunAsync(
            new Dictionary<string, string?> { ["Knowledge:IndexPath"] = _folder["plant.db"] },
            "bench-retrieval", "--chunks", "100", "--queries", "10", "--runs", "1", "--work", _folder.Path);

        CliAssert.Success(result);
        Assert.Matches(@"Ingestion, LinuxCNC chapters \(\d+ files", result.Out);
        Assert.Contains("Query latency, sample plant", result.Out);
        Assert.Contains("Synthetic index (100 passages", result.Out);
        Assert.Matches(@"fault-code lookups \(one code per query\): p50 [0-9.]+ ms", result.Out);
        CliAssert.UsageError(await Cli.RunAsync("bench-retrieval", "--chunks", "10"), "--chunks takes at least 100, not 10.");
    }

    [Fact]
    public async Task BenchLlmComparesOurLoopWithTheCLoop()
    {
        var models = Directory.CreateDirectory(_folder["models"]).FullName;
        CliAssert.Success(await Cli.RunAsync("make-test-model", "--out", models));

        var result = await Cli.RunAsync("bench-llm", "--model", Path.Combine(models, "chat.gguf"), "--tokens", "4", "--rounds", "1", "--streams", "1,2", "--threads", "1");

        CliAssert.Success(result);
        Assert.Contains("C loop   compiled with gcc", result.Out);
        Assert.Matches(@"ratio ours / C +[0-9.]+", result.Out);
        Assert.Matches(@"(?m)^  2 streams +[0-9.]+ tokens/s with prompts", result.Out);
    }

    [Fact]
    public async Task BenchLlmValidatesItsArgumentsBeforeLoadingAnything()
    {
        CliAssert.UsageError(await Cli.RunAsync("bench-llm", "--tokens", "1"), "--tokens takes 2 to 400");
        CliAssert.UsageError(await Cli.RunAsync("bench-llm", "--streams", "1,x"), "--streams takes comma-separated whole numbers, not 'x'.");
        CliAssert.UsageError(await Cli.RunAsync("bench-llm", "--streams", "0"), "--streams takes stream counts from 1 to 64");
        CliAssert.UsageError(await Cli.RunAsync("bench-llm", "--gpu", "tpu"), "'tpu'", "cuda");
        CliAssert.UsageError(await Cli.RunAsync("bench-llm", "--model", _folder["none.gguf"]), "none.gguf");
    }

    [Fact]
    public async Task LoadApiStartsTheWebAppAndDrivesIt()
    {
        var result = await Cli.RunAsync("load-api", "--clients", "1", "--requests", "3", "--seconds", "20", "--endpoints", "ask");

        CliAssert.Success(result);
        Assert.Matches(@"Started Assistant\.Web\.dll on http://127\.0\.0\.1:\d+", result.Out);
        Assert.Matches(@"(?m)^ask +3 +3 +0 ", result.Out);
    }

    [Fact]
    public async Task LoadApiValidatesItsArguments()
    {
        CliAssert.UsageError(await Cli.RunAsync("load-api", "--url", "http://127.0.0.1:5080"), "--url needs --key");
        CliAssert.UsageError(await Cli.RunAsync("load-api", "--url", "ftp://x", "--key", "k"), "--url takes an http:// or https:// address");
        CliAssert.UsageError(await Cli.RunAsync("load-api", "--clients", "0"), "--clients takes 1 to 512, not 0.");
        CliAssert.UsageError(await Cli.RunAsync("load-api", "--endpoints", "triage,feedback"), "--endpoints takes triage and/or ask");
        CliAssert.UsageError(await Cli.RunAsync("load-api", "--web", _folder["Assistant.Web.dll"]), "Assistant.Web.dll");
    }

    public void Dispose() => _folder.Dispose();
}
