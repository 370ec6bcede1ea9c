namespace Assistant.Cli.Tests;

/// <summary>The built program, as a shell sees it: exit codes and streams of a real process.</summary>
public sealed class ProgramTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task AMistypedOptionExitsWithTwoAndASuggestionOnStderr()
    {
        var result = await Cli.RunProcessAsync("ask", "why does E-217 come back", "--topp", "5");

        CliAssert.UsageError(result, "Did you mean '--top'?");
    }

    [Fact]
    public async Task AMissingFileExitsWithOneAndOneLine()
    {
        var missing = _folder["questions.jsonl"];

        var result = await Cli.RunProcessAsync("eval", missing, "--index", _folder["index.db"]);

        CliAssert.OneLineFailure(result, missing);
    }

    [Fact]
    public async Task HelpExitsWithZero()
    {
        var result = await Cli.RunProcessAsync("help", "eval");

        CliAssert.Success(result);
        Assert.Contains("assistant eval <FILE|FOLDER>... [options]", result.Out);
    }

    public void Dispose() => _folder.Dispose();
}
