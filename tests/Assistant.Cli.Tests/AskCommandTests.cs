namespace Assistant.Cli.Tests;

public class AskCommandTests(PlantIndex plant) : IClassFixture<PlantIndex>
{
    [Fact]
    public async Task AnswersFromTheManualWithCitations()
    {
        var result = await plant.RunAsync("ask", "What does fault E-217 mean?", "--machine", "CNC-2");

        CliAssert.Success(result);
        Assert.Contains("mode: retrieval-only", result.Out);
        Assert.Matches(@"(?m)^\[1\] manuals/cnc-machining-centre-vmc850\.md:\d+-\d+ ", result.Out);
        Assert.Contains("E-217", result.Out);
    }

    [Fact]
    public async Task TopSetsHowManyPassagesAreCited()
    {
        var result = await plant.RunAsync("ask", "--top", "2", "hydraulic oil too hot");

        CliAssert.Success(result);
        Assert.Matches(@"(?m)^\[2\] ", result.Out);
        Assert.DoesNotMatch(@"(?m)^\[3\] ", result.Out);
    }

    [Fact]
    public async Task DoubleDashEndsTheOptions()
    {
        // After '--', "--top 1" is part of the question, so the default five passages are cited, not one.
        var result = await plant.RunAsync("ask", "--", "--top", "1", "spindle overtemperature E-217");

        CliAssert.Success(result);
        Assert.Matches(@"(?m)^\[5\] ", result.Out);
    }

    [Fact]
    public async Task AQuotedQuestionMayStartWithADash()
    {
        var result = await plant.RunAsync("ask", "-40 °C oil on HP-1 at start-up, is that a fault?");

        CliAssert.Success(result);
        Assert.Matches(@"(?m)^\[1\] ", result.Out);
    }

    [Fact]
    public async Task AQuestionMayStartWithAnAtSign()
    {
        // No @response-file expansion: the question is asked, not read from a file named "CNC-2".
        var result = await plant.RunAsync("ask", "@CNC-2 spindle alarm E-217");

        CliAssert.Success(result);
        Assert.Matches(@"(?m)^\[1\] ", result.Out);
    }

    [Fact]
    public async Task AnEngineerMayAsk()
    {
        var result = await plant.RunAsync("ask", "why does the robot drop cases", "--role", "Engineer");

        CliAssert.Success(result);
        Assert.Contains("mode: ", result.Out);
    }

    [Fact]
    public async Task AnUnknownMachineIsAUsageErrorListingTheKnownOnes()
    {
        var result = await plant.RunAsync("ask", "why", "--machine", "XX-9");

        CliAssert.UsageError(result, "Unknown machine 'XX-9'", "CNC-2", "HP-1");
    }

    [Fact]
    public async Task AnEmptyQuestionIsAUsageError()
    {
        CliAssert.UsageError(await plant.RunAsync("ask", "  "), "The question is empty");
        CliAssert.UsageError(await plant.RunAsync("ask"), "'question'");
    }
}
