using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Assistant.Cli;

/// <summary>
/// Mistakes in a command line, reported one per line on stderr with the nearest verb or option, then where to read
/// the verb's help.
/// </summary>
internal static class UsageErrors
{
    /// <summary>
    /// The parser's errors, plus any word before <c>--</c> that looks like an option but landed in a positional
    /// argument: <c>ask "why E-217" --topp 5</c> must not ask about "--topp 5".
    /// </summary>
    public static IReadOnlyList<string> Find(ParseResult parse)
    {
        if (parse.Action is { ClearsParseErrors: true })
        {
            return []; // --help, --version: the person asked for help, not a run
        }

        var problems = new List<string>();
        foreach (var error in parse.Errors)
        {
            var token = parse.UnmatchedTokens.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));
            problems.Add(token is null ? error.Message : WithSuggestion(error.Message, parse.CommandResult, token));
        }

        var tokens = parse.Tokens.ToList();
        var endOfOptions = tokens.FindIndex(t => t.Type == TokenType.DoubleDash);
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                var position = tokens.FindIndex(t => ReferenceEquals(t, token));
                if (LooksLikeOption(token.Value) && (endOfOptions < 0 || position < endOfOptions))
                {
                    problems.Add(WithSuggestion(
                        $"'{CommandPath(parse.CommandResult)}' has no option '{token.Value}' (a word that starts with '-' goes after '--').",
                        parse.CommandResult,
                        token.Value));
                }
            }
        }

        return problems;
    }

    public static void Write(ParseResult parse, IReadOnlyList<string> problems, TextWriter error)
    {
        foreach (var problem in problems)
        {
            error.WriteLine($"error: {problem.ReplaceLineEndings(" ").Replace('\t', ' ')}");
        }

        var path = CommandPath(parse.CommandResult);
        error.WriteLine(parse.CommandResult.Command is RootCommand or Commands.HelpCommand
            ? $"'{AssistantCommandLine.Name} help' lists the verbs."
            : $"'{path} --help' shows its arguments and options.");
    }

    /// <summary><paramref name="message"/>, with the verbs or options of <paramref name="command"/> nearest to a mistyped word.</summary>
    public static string WithSuggestion(string message, CommandResult command, string typed) =>
        Suggest(command, typed) is { Count: > 0 } nearest
            ? $"{message} Did you mean {string.Join(" or ", nearest.Select(n => $"'{n}'"))}?"
            : message;

    private static IReadOnlyList<string> Suggest(CommandResult command, string typed)
    {
        var core = typed.TrimStart('-');
        if (core.Length < 3)
        {
            return [];
        }

        var candidates = command.Command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name))
            .Concat(OptionsOf(command).SelectMany(o => o.Aliases.Prepend(o.Name)))
            .Where(name => name.StartsWith('-') == typed.StartsWith('-'))
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: Distance(core, name.TrimStart('-'))))
            .Where(c => c.Distance <= Math.Max(1, core.Length / 3))
            .ToList();
        return candidates.Count == 0
            ? []
            : candidates.Where(c => c.Distance == candidates.Min(x => x.Distance)).Select(c => c.Name).ToList();
    }

    private static IEnumerable<Option> OptionsOf(CommandResult command)
    {
        var own = command.Command.Options.Where(o => !o.Hidden);
        for (var parent = command.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            own = own.Concat(parent.Command.Options.Where(o => o.Recursive && !o.Hidden));
        }

        return own;
    }

    // "--topp" is a mistyped option; "-5" is a number and "-40 °C on HP-1?" a quoted question: option names hold no spaces.
    private static bool LooksLikeOption(string value) =>
        value.Length > 1 && value[0] == '-' && !value.Split('=')[0].Any(char.IsWhiteSpace)
        && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is CommandResult c; result = c.Parent)
        {
            names.Add(c.Command is RootCommand ? AssistantCommandLine.Name : c.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>Edits (insert, delete, replace, swap two neighbours) that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
