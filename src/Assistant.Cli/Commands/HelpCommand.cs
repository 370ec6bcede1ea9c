using System.CommandLine;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant help [VERB]</c>: the list of verbs, or one verb's help (the same as <c>assistant VERB --help</c>).</summary>
internal sealed class HelpCommand : Command
{
    private readonly Argument<string?> _verb = new("verb") { Description = "the verb to explain", Arity = ArgumentArity.ZeroOrOne };

    public HelpCommand(RootCommand root) : base("help", "List the verbs, or show one verb's arguments and options.")
    {
        Arguments.Add(_verb);
        SetAction((parse, cancellationToken) =>
        {
            var verb = parse.GetValue(_verb);
            if (verb is not null && root.Subcommands.All(c => c.Name != verb))
            {
                throw new UsageException(UsageErrors.WithSuggestion($"There is no verb '{verb}'.", parse.RootCommandResult, verb));
            }

            return root.Parse(verb is null ? ["--help"] : [verb, "--help"]).InvokeAsync(parse.InvocationConfiguration, cancellationToken);
        });
    }
}
