using System.Globalization;
using System.Text.RegularExpressions;

namespace Assistant.Cli.Tests;

public sealed class EvalCommandTests(PlantIndex plant) : IClassFixture<PlantIndex>, IDisposable
{
    private static readonly string EvalSet = Path.Combine(Cli.ContentRoot, "knowledge", "eval", "press-and-machining.jsonl");

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ReportsRecallAndMrrOfAnEvalSet()
    {
        var questions = File.ReadLines(EvalSet).Count(l => l.Trim().Length > 0);

        var result = await plant.RunAsync("eval", EvalSet);

        CliAssert.Success(result);
        Assert.Contains($"questions: {questions}", result.Out);
        Assert.InRange(Figure(result.Out, "recall@5:"), 0.0, 1.0);
        Assert.InRange(Figure(result.Out, "MRR@10:"), 0.0, 1.0);
    }

    [Fact]
    public async Task VerboseListsTheQuestionsThatMissed()
    {
        var file = _folder["unanswerable.jsonl"];
        File.WriteAllText(file, "{\"id\": \"q1\", \"question\": \"What does fault E-217 mean?\", \"expected\": [\"manuals/nowhere.md#Nothing\"]}\n");

        var quiet = await plant.RunAsync("eval", file);
        var verbose = await plant.RunAsync("eval", file, "--verbose");

        CliAssert.Success(quiet);
        CliAssert.Success(verbose);
        Assert.DoesNotContain("missed", quiet.Out);
        Assert.Contains("q1: \"What does fault E-217 mean?\" recall@5 0.00", verbose.Out);
        Assert.Contains("  missed manuals/nowhere.md#Nothing", verbose.Out);
    }

    [Fact]
    public async Task AnswersAddCitationFiguresForTheFirstQuestionsOnly()
    {
        var result = await plant.RunAsync("eval", EvalSet, "--answers", "--limit", "2");

        CliAssert.Success(result);
        Assert.Matches(@"answers to the first 2 of \d+ questions \(--limit\)", result.Out);
        Assert.Contains("citation precision:", result.Out);
        Assert.Contains("answer mode:         retrieval-only 2", result.Out);
    }

    [Fact]
    public async Task LimitWithoutAnswersIsAUsageError()
    {
        CliAssert.UsageError(await plant.RunAsync("eval", EvalSet, "--limit", "3"), "--limit only limits the questions asked with --answers.");
        CliAssert.UsageError(await plant.RunAsync("eval", EvalSet, "--answers", "--limit", "0"), "--limit takes a number of questions of at least 1, not 0.");
    }

    [Fact]
    public async Task AMalformedEvalFileIsOneLineNamingTheFileAndLine()
    {
        var file = _folder["broken.jsonl"];
        File.WriteAllLines(file, [File.ReadLines(EvalSet).First(), "{\"question\": \"unterminated", ""]);

        var result = await plant.RunAsync("eval", file);

        CliAssert.OneLineFailure(result, file, "line 2");
        CliAssert.NoStackTrace(result);
    }

    [Fact]
    public async Task VerboseShowsTheStackTraceOfAFailure()
    {
        var file = _folder["broken-verbose.jsonl"];
        File.WriteAllText(file, "{\"question\": \"no expected items\"}\n");

        var result = await plant.RunAsync("eval", file, "--verbose");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 1", result.Error);
        Assert.Contains("   at ", result.Error);
    }

    [Fact]
    public async Task AMissingEvalFileIsNamed()
    {
        var missing = _folder["missing.jsonl"];

        CliAssert.OneLineFailure(await plant.RunAsync("eval", missing), missing, "does not exist");
    }

    public void Dispose() => _folder.Dispose();

    private static double Figure(string output, string label) =>
        double.Parse(Regex.Match(output, $@"(?m)^{Regex.Escape(label)}\s+([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
}
