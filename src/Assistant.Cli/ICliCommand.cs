namespace Assistant.Cli;

/// <summary>
/// One verb of the <c>assistant</c> command. Verbs are found by reflection: adding a command is adding a class.
/// </summary>
public interface ICliCommand
{
    /// <summary>The verb, e.g. <c>ingest</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>assistant help</c>.</summary>
    string Summary { get; }

    /// <summary>Arguments and options, shown by <c>assistant help VERB</c> and on a usage error.</summary>
    string Usage { get; }

    /// <returns>The process exit code: 0 success, 1 failure, 2 usage error.</returns>
    Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken);
}

/// <summary>What a command runs with: the composed services and the console.</summary>
public sealed record CliContext(IServiceProvider Services, TextWriter Out, TextWriter Error, string ContentRoot);

/// <summary>A mistake in the command line; the message says what to type instead.</summary>
public sealed class UsageException(string message) : Exception(message);
