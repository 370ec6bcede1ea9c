using Assistant.Core.Answering;
using Assistant.Knowledge;
using Assistant.Llama;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Assistant.Cli;

/// <summary>
/// What a verb runs with: the console it writes to, the content root and the assistant's services. The services are
/// composed on first use, so help, usage errors and verbs that need none (api-key, make-test-model) start nothing.
/// </summary>
public sealed class CliContext : IDisposable
{
    private readonly Lazy<IHost> _host;

    /// <param name="settings">Configuration that overrides appsettings.json and the environment (tests point the index elsewhere).</param>
    public CliContext(TextWriter output, TextWriter error, string contentRoot, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Out = output;
        Error = error;
        ContentRoot = contentRoot;
        _host = new Lazy<IHost>(() => BuildHost(contentRoot, settings));
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>The folder holding appsettings.json, knowledge/, models/ and prompts/.</summary>
    public string ContentRoot { get; }

    public IServiceProvider Services => _host.Value.Services;

    public void Dispose()
    {
        if (_host.IsValueCreated)
        {
            _host.Value.Dispose();
        }
    }

    private static IHost BuildHost(string contentRoot, IReadOnlyDictionary<string, string?>? settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot, Args = [] });
        // A verb prints its own results; the log shows only warnings and errors unless ASSISTANT_LOG_LEVEL says
        // otherwise, and goes to stderr so that it never mixes with what a script reads from stdout.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("ASSISTANT_LOG_LEVEL") ?? nameof(LogLevel.Warning),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services
            .AddKnowledge(builder.Configuration)
            .AddLlama(builder.Configuration)
            .AddFaultClassifiers(builder.Configuration)
            .AddProcessOptimizer(builder.Configuration)
            .AddAnswering(builder.Configuration);
        return builder.Build();
    }
}

/// <summary>A mistake in the command line found after parsing; the message says what to type instead. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
