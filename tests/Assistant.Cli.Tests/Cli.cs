using System.Diagnostics;
using Assistant.Core;

namespace Assistant.Cli.Tests;

/// <summary>What a person at the terminal sees: the exit code and the two streams.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>assistant</c> the way Program.cs does (the same composition, parser and error handling) in this process,
/// with stdout and stderr captured; or the built program itself, for what only a real process shows.
/// </summary>
public static class Cli
{
    /// <summary>The repository: appsettings.json, knowledge/, models/ and prompts/ of the sample plant.</summary>
    public static string ContentRoot { get; } = AssistantPaths.FindContentRoot();

    /// <param name="settings">configuration over appsettings.json, e.g. an index in a temporary folder</param>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code;
        using (var context = new CliContext(output, error, ContentRoot, settings))
        {
            code = await AssistantCommandLine.RunAsync(args, context);
        }

        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>For verbs and mistakes that read or write nothing of the plant's.</summary>
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>The built <c>assistant</c> program (copied next to the tests), run with <c>dotnet</c> in the repository.</summary>
    public static async Task<CliResult> RunProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ContentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "assistant.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A temporary folder for one test class, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("assistant-cli-tests-").FullName;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing host; the OS cleans its temp folder.
        }
    }
}

public static class CliAssert
{
    /// <summary>A usage error: exit 2, nothing on stdout, the problem and where to read help on stderr, no stack trace.</summary>
    public static void UsageError(CliResult result, params string[] expected)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: ", result.Error);
        Assert.Matches(@"(?m)^('assistant [\w-]+ --help' shows its arguments and options|'assistant help' lists the verbs)\.$", result.Error);
        foreach (var text in expected)
        {
            Assert.Contains(text, result.Error);
        }

        NoStackTrace(result);
    }

    /// <summary>A failure on bad input: exit 1 and one line on stderr that says what was wrong.</summary>
    public static void OneLineFailure(CliResult result, params string[] expected)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("error", lines[0]);
        foreach (var text in expected)
        {
            Assert.Contains(text, lines[0]);
        }
    }

    public static void Success(CliResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    public static void NoStackTrace(CliResult result)
    {
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("   at ", result.Out);
    }
}
