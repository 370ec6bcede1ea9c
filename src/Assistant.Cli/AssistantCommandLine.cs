using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Assistant.Cli.Commands;

namespace Assistant.Cli;

/// <summary>
/// The <c>assistant</c> command: its verbs, how a command line is parsed and run, and what a person sees when
/// something is wrong. Exit codes: 0 done, 1 failed, 2 usage error (130 cancelled).
/// </summary>
public static class AssistantCommandLine
{
    public const string Name = "assistant";

    /// <summary>The option that asks every verb for more detail, and for stack traces.</summary>
    public const string VerboseOption = "--verbose";

    /// <summary>The root command with every verb, in the order <c>assistant help</c> lists them.</summary>
    public static RootCommand Create(CliContext context)
    {
        // One verb, one class in Commands/: a Command subclass whose constructor takes the CliContext, declares
        // the verb's arguments and options (typed, with descriptions and defaults; CliOptions parses numbers) and
        // sets its action, which returns the exit code. A mistake only the action can see (an unknown machine)
        // throws UsageException (exit 2); a bad file throws the library's exception (one line, exit 1). Sub-verbs
        // (api-key list) are Commands added to their verb. Adding a verb is writing its class and listing it here.
        var root = new RootCommand("The shop-floor assistant's command line: the knowledge index, answers, tools and benchmarks.")
        {
            HelpName = Name,
        };
        Command[] verbs =
        [
            new IngestCommand(context),
            new AskCommand(context),
            new EvalCommand(context),
            new TrainClassifierCommand(context),
            new ProcessesCommand(context),
            new OptimizeCommand(context),
            new FitProcessCommand(context),
            new MakeTestModelCommand(context),
            new ApiKeyCommand(context),
            new BenchRetrievalCommand(context),
            new BenchLlmCommand(context),
            new BenchClassifierCommand(context),
            new BenchOptimizerCommand(context),
            new LoadApiCommand(context),
            new HelpCommand(root),
        ];
        foreach (var verb in verbs)
        {
            root.Subcommands.Add(verb);
        }

        root.Options.Add(new Option<bool>(VerboseOption)
        {
            Description = "Say more: the full exception (stack trace) when a verb fails, and what a verb adds for it (eval: each missed question).",
            Recursive = true,
        });
        var help = root.Options.OfType<HelpOption>().Single();
        var listVerbs = new VerbListHelpAction((HelpAction)help.Action!);
        help.Action = listVerbs;
        root.SetAction(listVerbs.Invoke);
        return root;
    }

    /// <summary>Parses <paramref name="args"/>, runs the verb and returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = Create(context);
        // No @file response files: a question may well start with '@'.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var problems = UsageErrors.Find(parse);
        if (problems.Count > 0)
        {
            UsageErrors.Write(parse, problems, context.Error);
            return 2;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (UsageException ex)
        {
            UsageErrors.Write(parse, [ex.Message], context.Error);
            return 2;
        }
        catch (OperationCanceledException ex) when (ex.InnerException is not TimeoutException)
        {
            // Ctrl+C (the parser turns SIGINT and SIGTERM into the action's cancellation) or the caller's token.
            context.Error.WriteLine("Cancelled.");
            return 130;
        }
        catch (Exception ex)
        {
            WriteFailure(ex, parse.GetValue<bool>(VerboseOption), context.Error);
            return 1;
        }
    }

    private static void WriteFailure(Exception ex, bool verbose, TextWriter error)
    {
        if (verbose)
        {
            error.WriteLine($"error: {ex}");
            return;
        }

        // The libraries' exceptions for bad input carry messages written for the person at the terminal (they name
        // the file and the line); a stack trace would only bury them. These types mean a fault of ours instead.
        var fault = ex is NullReferenceException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException
            or ArgumentNullException or NotImplementedException or ObjectDisposedException or DivideByZeroException;
        error.WriteLine(fault
            ? $"error: {ex.GetType().Name}: {OneLine(ex.Message)} (a fault in the assistant; run again with --verbose for the stack trace)"
            : $"error: {OneLine(ex.Message)}");
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>
    /// <c>assistant help</c> lists the verbs by their first description line (a verb's own help shows all of it);
    /// every other help is the library's.
    /// </summary>
    private sealed class VerbListHelpAction(HelpAction verbHelp) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.CommandResult.Command is not RootCommand root)
            {
                return verbHelp.Invoke(parseResult);
            }

            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine($"{Name}: {root.Description}");
            output.WriteLine();
            output.WriteLine($"Usage: {Name} VERB [arguments] [options]");
            output.WriteLine();
            output.WriteLine("Verbs:");
            foreach (var verb in root.Subcommands)
            {
                output.WriteLine($"  {verb.Name,-18} {verb.Description?.Split('\n')[0].Trim()}");
            }

            output.WriteLine();
            output.WriteLine("Options of every verb:");
            output.WriteLine($"  {VerboseOption,-18} the full exception when a verb fails, and more detail where a verb has it");
            output.WriteLine($"  {"-h, --help",-18} the verb's arguments and options");
            output.WriteLine($"  {"--version",-18} the assistant's version");
            output.WriteLine($"  {"--",-18} ends the options: what follows is arguments even if it starts with '-'");
            output.WriteLine();
            output.WriteLine($"'{Name} help VERB' or '{Name} VERB --help' shows a verb's arguments and options.");
            output.WriteLine("Exit codes: 0 done, 1 failed, 2 usage error.");
            return 0;
        }
    }
}
