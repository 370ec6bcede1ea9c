using System.Text.Json;
using Assistant.Core.Security;

namespace Assistant.Cli.Tests;

public class ApiKeyCommandTests
{
    [Fact]
    public async Task PrintsTheKeyOnceAndAnEntryHoldingOnlyItsHash()
    {
        var result = await Cli.RunAsync("api-key", "--name", "ticketing", "--scopes", "triage,ask", "--per-minute", "300");

        CliAssert.Success(result);
        var lines = result.Out.Split('\n');
        var key = lines[Array.FindIndex(lines, l => l.StartsWith("API key for 'ticketing'", StringComparison.Ordinal)) + 2].Trim();
        var entry = JsonDocument.Parse(result.Out[result.Out.IndexOf('{')..]).RootElement;
        Assert.Equal("ticketing", entry.GetProperty("Name").GetString());
        Assert.Equal(ApiKeyHash.Compute(key), entry.GetProperty("Hash").GetString());
        Assert.Equal(["triage", "ask"], entry.GetProperty("Scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(300, entry.GetProperty("PermitsPerMinute").GetInt32());
        Assert.Equal(1, result.Out.Split(key).Length - 1);
    }

    [Fact]
    public async Task WithoutScopesTheKeyHasAllOfThem()
    {
        var result = await Cli.RunAsync("api-key", "--name", "mes");

        CliAssert.Success(result);
        var entry = JsonDocument.Parse(result.Out[result.Out.IndexOf('{')..]).RootElement;
        Assert.Equal(["triage", "incidents:write", "ask", "feedback"], entry.GetProperty("Scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.False(entry.TryGetProperty("PermitsPerMinute", out _));
    }

    [Fact]
    public async Task BadNamesScopesAndRatesAreUsageErrors()
    {
        CliAssert.UsageError(await Cli.RunAsync("api-key"), "'--name' is required");
        CliAssert.UsageError(await Cli.RunAsync("api-key", "--name", new string('x', 61)), "--name takes a name of 1 to 60 characters");
        CliAssert.UsageError(await Cli.RunAsync("api-key", "--name", "t", "--scopes", "triage,admin"), "Unknown scope(s) admin");
        CliAssert.UsageError(await Cli.RunAsync("api-key", "--name", "t", "--per-minute", "0"), "--per-minute takes 1 or more requests per minute, not 0.");
    }
}
