namespace Assistant.Cli.Tests;

/// <summary>What every verb shares: the list of verbs, help, suggestions, exit codes, '--', no stack traces.</summary>
public class CommandLineTests
{
    /// <summary>Every verb of <c>assistant</c>. A new verb fails <see cref="TheVerbsAreTheseAndEachHasTests"/> until it is added here, and to a test class of its own.</summary>
    private static readonly string[] VerbNames =
    [
        "ingest", "ask", "eval", "train-classifier", "processes", "optimize", "fit-process", "make-test-model", "api-key",
        "bench-retrieval", "bench-llm", "bench-classifier", "bench-optimizer", "load-api", "help",
    ];

    public static TheoryData<string> Verbs => new(VerbNames);

    [Fact]
    public void TheVerbsAreTheseAndEachHasTests()
    {
        using var context = new CliContext(TextWriter.Null, TextWriter.Null, Cli.ContentRoot);
        var composed = AssistantCommandLine.Create(context).Subcommands.Select(c => c.Name).ToList();

        Assert.Equal(VerbNames.Order(), composed.Order());
    }

    [Fact]
    public async Task WithoutArgumentsItListsEveryVerbWithItsSummary()
    {
        var result = await Cli.RunAsync();

        CliAssert.Success(result);
        foreach (var verb in VerbNames)
        {
            Assert.Matches($@"(?m)^  {verb} +\S", result.Out);
        }

        Assert.Contains("Exit codes: 0 done, 1 failed, 2 usage error.", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task HelpIsTheSameListAsNoArguments()
    {
        var help = await Cli.RunAsync("help");
        var flag = await Cli.RunAsync("--help");
        var none = await Cli.RunAsync();

        CliAssert.Success(help);
        Assert.Equal(none.Out, help.Out);
        Assert.Equal(none.Out, flag.Out);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task EveryVerbHasHelpWithItsUsage(string verb)
    {
        var result = await Cli.RunAsync(verb, "--help");

        CliAssert.Success(result);
        Assert.Contains("Description:", result.Out);
        Assert.Contains($"assistant {verb}", result.Out);
        Assert.Contains("--verbose", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task HelpVerbShowsTheVerbsOptionsLikeHelpFlag()
    {
        var viaVerb = await Cli.RunAsync("help", "ask");
        var viaFlag = await Cli.RunAsync("ask", "--help");

        CliAssert.Success(viaVerb);
        Assert.Equal(viaFlag.Out, viaVerb.Out);
        Assert.Contains("--machine <ID>", viaVerb.Out);
        Assert.Contains("--role <engineer|technician>", viaVerb.Out);
        Assert.Contains("[default: 5]", viaVerb.Out);
    }

    [Fact]
    public async Task HelpForAnUnknownVerbSuggestsTheNearest()
    {
        CliAssert.UsageError(await Cli.RunAsync("help", "aks"), "no verb 'aks'", "Did you mean 'ask'?");
    }

    [Fact]
    public async Task AMistypedVerbIsAUsageErrorWithTheNearestVerb()
    {
        var result = await Cli.RunAsync("ingets");

        CliAssert.UsageError(result, "'ingets'", "Did you mean 'ingest'?", "'assistant help' lists the verbs.");
    }

    [Fact]
    public async Task AMistypedOptionIsNotSwallowedIntoTheQuestion()
    {
        // Before System.CommandLine, "--topp 5" became part of the question and the answer went ahead.
        var result = await Cli.RunAsync("ask", "why does E-217 come back", "--topp", "5");

        CliAssert.UsageError(result, "'assistant ask' has no option '--topp'", "Did you mean '--top'?", "'assistant ask --help'");
    }

    [Fact]
    public async Task AnUnknownOptionOfAVerbWithoutArgumentsIsSuggestedToo()
    {
        CliAssert.UsageError(await Cli.RunAsync("ingest", "--rot", "knowledge"), "'--rot'", "Did you mean '--root'?");
    }

    [Fact]
    public async Task AnOptionWithoutItsValueIsAUsageError()
    {
        CliAssert.UsageError(await Cli.RunAsync("ask", "why", "--top"), "--top");
    }

    [Fact]
    public async Task ANumberOptionSaysWhatItTakes()
    {
        CliAssert.UsageError(await Cli.RunAsync("ask", "why", "--top", "many"), "--top takes a whole number, not 'many'.");
        CliAssert.UsageError(await Cli.RunAsync("ask", "why", "--top", "0"), "--top takes 1 or more, not 0.");
    }

    [Fact]
    public async Task NumbersAreReadTheSameInEveryCulture()
    {
        // 0.5 is a share here whatever the machine's language; a comma is not a decimal point.
        CliAssert.UsageError(await Cli.RunAsync("load-api", "--repeat", "0,5"), "--repeat takes a number, not '0,5'.");
        CliAssert.UsageError(await Cli.RunAsync("load-api", "--repeat", "1.5"), "--repeat takes a share from 0 to 1, not 1.5.");
    }

    [Fact]
    public async Task AChoiceOptionListsTheChoices()
    {
        CliAssert.UsageError(await Cli.RunAsync("ask", "why", "--role", "boss"), "'boss'", "technician", "engineer");
    }

    [Fact]
    public async Task TheVersionIsPrinted()
    {
        var result = await Cli.RunAsync("--version");

        CliAssert.Success(result);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Out);
    }
}
