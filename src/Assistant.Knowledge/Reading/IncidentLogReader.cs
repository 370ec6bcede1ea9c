using System.Text;
using System.Text.Json;
using Assistant.Core.Knowledge;

namespace Assistant.Knowledge.Reading;

/// <summary>
/// Incident logs as CSV (RFC 4180, header row) or JSONL (one object per line). One incident is one passage:
/// its id is the section, its columns are the passage's fields, its machine and line its scope.
/// </summary>
public sealed class IncidentLogReader : IDocumentReader
{
    /// <summary>The columns a maintenance log carries; only <c>id</c> and one text column are required.</summary>
    public static readonly string[] KnownColumns =
        ["id", "date", "line", "machine", "reporter_role", "symptom", "fault_code", "root_cause", "action", "parts", "downtime_min"];

    private static readonly string[] TextColumns = ["symptom", "root_cause", "action"];

    public IReadOnlyCollection<string> Extensions { get; } = [".csv", ".jsonl"];

    public ParsedDocument Read(string source, string text)
    {
        var records = source.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? ReadJsonLines(source, text) : ReadCsv(source, text);
        var blocks = records.Select(r => ToBlock(r.Fields, r.LineStart, r.LineEnd)).ToList();
        var title = "Incident log " + Path.GetFileNameWithoutExtension(source);
        return new ParsedDocument(DocumentKind.Incident, title, blocks, new Dictionary<string, string>());
    }

    private static List<(Dictionary<string, string> Fields, int LineStart, int LineEnd)> ReadCsv(string source, string text)
    {
        var rows = CsvRecords.Parse(text.TrimStart('\uFEFF'), source);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{source}: the file is empty; an incident log needs a header row.");
        }

        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        CheckHeader(source, header);

        var result = new List<(Dictionary<string, string>, int, int)>();
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields.Count != header.Length)
            {
                throw new InvalidDataException(
                    $"{source}: line {row.LineStart} has {row.Fields.Count} fields but the header has {header.Length}; quote fields that contain commas.");
            }

            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Length; i++)
            {
                fields[header[i]] = row.Fields[i].Trim();
            }

            result.Add((fields, row.LineStart, row.LineEnd));
        }

        return result;
    }

    private static List<(Dictionary<string, string> Fields, int LineStart, int LineEnd)> ReadJsonLines(string source, string text)
    {
        var result = new List<(Dictionary<string, string>, int, int)>();
        var lines = LineMap.SplitLines(text.TrimStart('\uFEFF'));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            try
            {
                using var json = JsonDocument.Parse(lines[i]);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{source}: line {i + 1} is not a JSON object.");
                }

                foreach (var property in json.RootElement.EnumerateObject())
                {
                    fields[property.Name.ToLowerInvariant()] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!.Trim(),
                        JsonValueKind.Null => "",
                        JsonValueKind.Array => string.Join(", ", property.Value.EnumerateArray().Select(e => e.ToString())),
                        _ => property.Value.GetRawText(),
                    };
                }
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{source}: line {i + 1} is not valid JSON ({ex.Message}).", ex);
            }

            CheckHeader(source, fields.Keys.ToArray(), i + 1);
            result.Add((fields, i + 1, i + 1));
        }

        return result;
    }

    private static void CheckHeader(string source, string[] columns, int? line = null)
    {
        var where = line is null ? "the header" : $"line {line}";
        if (!columns.Contains("id"))
        {
            throw new InvalidDataException($"{source}: {where} has no 'id' column; an incident log needs id and symptom/root_cause/action columns.");
        }

        if (!TextColumns.Any(columns.Contains))
        {
            throw new InvalidDataException($"{source}: {where} has none of {string.Join(", ", TextColumns)}; nothing to search in.");
        }
    }

    private static DocumentBlock ToBlock(Dictionary<string, string> fields, int lineStart, int lineEnd)
    {
        string Get(string key) => fields.GetValueOrDefault(key) ?? "";

        var text = new StringBuilder();
        var headline = string.Join(" · ", new[] { Get("id"), Get("date"), JoinNonEmpty(" / ", Get("line"), Get("machine")), Get("reporter_role") is { Length: > 0 } r ? "reported by " + r : "" }
            .Where(s => s.Length > 0));
        text.AppendLine(headline);
        AppendField(text, "Symptom", Get("symptom"));
        AppendField(text, "Fault code", Get("fault_code"));
        AppendField(text, "Root cause", Get("root_cause"));
        AppendField(text, "Action", Get("action"));
        AppendField(text, "Parts", Get("parts"));
        AppendField(text, "Downtime", Get("downtime_min") is { Length: > 0 } d ? d + " min" : "");
        foreach (var (key, value) in fields.Where(f => !KnownColumns.Contains(f.Key) && f.Value.Length > 0))
        {
            AppendField(text, key, value);
        }

        var id = Get("id");
        return new DocumentBlock(
            BlockKind.Record,
            [id.Length > 0 ? id : $"line {lineStart}"],
            text.ToString().TrimEnd(),
            lineStart,
            lineEnd,
            NullIfEmpty(Get("machine")),
            NullIfEmpty(Get("line")),
            fields);
    }

    private static void AppendField(StringBuilder text, string label, string value)
    {
        if (value.Length > 0)
        {
            text.Append(label).Append(": ").AppendLine(value);
        }
    }

    private static string JoinNonEmpty(string separator, params string[] values) => string.Join(separator, values.Where(v => v.Length > 0));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
