namespace Assistant.Knowledge.Reading;

/// <summary>
/// The flat <c>key: value</c> YAML front matter the plant's manuals start with. Only scalars and inline lists
/// are read; that is all a manual needs to say which machines and line it covers.
/// </summary>
public static class FrontMatter
{
    /// <summary>Reads front matter at the top of <paramref name="lines"/>; returns how many lines it takes (0 when none).</summary>
    public static int Read(string[] lines, Dictionary<string, string> fields, string source)
    {
        if (lines.Length == 0 || lines[0].TrimEnd() != "---")
        {
            return 0;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimEnd() is "---" or "...")
            {
                return i + 1;
            }

            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                if (line.TrimStart().StartsWith("- ", StringComparison.Ordinal) && fields.Count > 0)
                {
                    // A block list item under the previous key: append it.
                    var last = fields.Keys.Last();
                    var item = Unquote(line.TrimStart()[2..].Trim());
                    fields[last] = string.IsNullOrEmpty(fields[last]) ? item : fields[last] + ", " + item;
                    continue;
                }

                throw new InvalidDataException(
                    $"{source}: front matter opened with '---' on line 1 is never closed (line {i + 1} is not 'key: value'); end it with a '---' line.");
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (value.StartsWith('[') && value.EndsWith(']'))
            {
                value = string.Join(", ", value[1..^1].Split(',').Select(v => Unquote(v.Trim())).Where(v => v.Length > 0));
            }

            fields[key] = Unquote(value);
        }

        throw new InvalidDataException($"{source}: front matter opened with '---' on line 1 is never closed.");
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'')
            ? value[1..^1]
            : value;
}
