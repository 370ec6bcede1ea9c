using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Assistant.Cli;

/// <summary>
/// Value parsers and checks the verbs' options share, so that every verb reads numbers the same way (invariant
/// culture: "0.5" means the same on every machine) and says the same thing about a bad value.
/// </summary>
internal static class CliOptions
{
    public static int WholeNumber(ArgumentResult result) => OptionalWholeNumber(result) ?? 0;

    public static int? OptionalWholeNumber(ArgumentResult result) =>
        Parse(result, "a whole number", static (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value));

    public static double Number(ArgumentResult result) => OptionalNumber(result) ?? 0;

    public static double? OptionalNumber(ArgumentResult result) =>
        Parse(result, "a number", static (string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value));

    /// <summary>A comma-separated list of whole numbers: <c>--streams 1,4,8</c>.</summary>
    public static int[] WholeNumbers(ArgumentResult result)
    {
        var values = new List<int>();
        foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{NameOf(result)} takes comma-separated whole numbers, not '{text}'.");
                return [];
            }

            values.Add(value);
        }

        return [.. values];
    }

    /// <summary>Rejects a given value that <paramref name="valid"/> refuses: "--top takes 1 or more, not 0."</summary>
    public static Option<T> Require<T>(this Option<T> option, Func<T, bool> valid, string takes)
    {
        option.Validators.Add(result =>
        {
            if (result.Implicit)
            {
                return;
            }

            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return; // the value did not parse: that error is reported already, and says more than this one would
            }

            if (!valid(value))
            {
                result.AddError($"{option.Name} takes {takes}, not {string.Join(' ', result.Tokens.Select(t => t.Value))}.");
            }
        });
        return option;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T? Parse<T>(ArgumentResult result, string kind, TryParse<T> tryParse)
        where T : struct
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (tryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"{NameOf(result)} takes {kind}, not '{text}'.");
        return null;
    }

    private static string NameOf(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
