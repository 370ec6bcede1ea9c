using Assistant.Cli;
using Assistant.Core;
using Assistant.Core.Answering;
using Assistant.Knowledge;
using Assistant.Llama;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var commands = typeof(ICliCommand).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ICliCommand).IsAssignableFrom(t))
    .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
    .OrderBy(c => c.Name, StringComparer.Ordinal)
    .ToDictionary(c => c.Name, StringComparer.Ordinal);

if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
{
    if (args.Length > 1 && commands.TryGetValue(args[1], out var helpFor))
    {
        Console.WriteLine($"assistant {helpFor.Name}: {helpFor.Summary}\n\n{helpFor.Usage}");
        return 0;
    }

    Console.WriteLine("assistant: the shop-floor assistant's command line.\n\nCommands:");
    foreach (var c in commands.Values)
    {
        Console.WriteLine($"  {c.Name,-20} {c.Summary}");
    }

    Console.WriteLine("\n'assistant help COMMAND' shows a command's options.");
    return 0;
}

if (!commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"Unknown command '{args[0]}'. Known: {string.Join(", ", commands.Keys)}. 'assistant help' lists them.");
    return 2;
}

var contentRoot = AssistantPaths.FindContentRoot();
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    ContentRootPath = contentRoot,
    Args = [],
});
// A command prints its own results; the log shows only warnings and errors unless ASSISTANT_LOG_LEVEL says otherwise.
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("ASSISTANT_LOG_LEVEL") ?? nameof(LogLevel.Warning),
});
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Services
    .AddKnowledge(builder.Configuration)
    .AddLlama(builder.Configuration)
    .AddFaultClassifiers(builder.Configuration)
    .AddProcessOptimizer(builder.Configuration)
    .AddAnswering(builder.Configuration);

using var host = builder.Build();
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    return await command.RunAsync(
        new CliContext(host.Services, Console.Out, Console.Error, contentRoot),
        args[1..],
        cancellation.Token);
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"{ex.Message}\n\nUsage: assistant {command.Name} {command.Usage}");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException
                               or ArgumentException or InvalidOperationException or IOException)
{
    // These carry messages written for the person at the terminal; a stack trace would only bury them.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
