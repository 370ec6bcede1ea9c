namespace Assistant.Cli;

/// <summary>Reads <c>--name value</c> options and positional arguments, the way every verb takes them.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public CommandLine(IReadOnlyList<string> args, IReadOnlyCollection<string>? flags = null)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                _positional.Add(arg);
                continue;
            }

            var name = arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                _options[name[..eq]] = name[(eq + 1)..];
            }
            else if (flags?.Contains(name) == true)
            {
                _options[name] = null;
            }
            else if (i + 1 < args.Count)
            {
                _options[name] = args[++i];
            }
            else
            {
                throw new UsageException($"Option --{name} needs a value.");
            }
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public int GetInt(string name, int fallback)
    {
        var value = Get(name);
        if (value is null)
        {
            return fallback;
        }

        return int.TryParse(value, out var parsed)
            ? parsed
            : throw new UsageException($"Option --{name} takes a whole number, not '{value}'.");
    }

    public double GetDouble(string name, double fallback)
    {
        var value = Get(name);
        if (value is null)
        {
            return fallback;
        }

        return double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new UsageException($"Option --{name} takes a number, not '{value}'.");
    }
}
