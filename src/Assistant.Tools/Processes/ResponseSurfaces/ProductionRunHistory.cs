using System.Globalization;

namespace Assistant.Tools.Processes.ResponseSurfaces;

/// <summary>
/// Production runs as the line logs them: a CSV with a header row naming each column (the run id in a column
/// called <c>run</c>, then setpoints and measured KPIs under their model names; other columns are kept but unused).
/// </summary>
public sealed class ProductionRunHistory
{
    private readonly Dictionary<string, double[]> _columns;

    private ProductionRunHistory(string path, string[] runIds, Dictionary<string, double[]> columns)
    {
        Path = path;
        RunIds = runIds;
        _columns = columns;
    }

    public string Path { get; }

    public IReadOnlyList<string> RunIds { get; }

    public int Count => RunIds.Count;

    public double[] Column(string name) =>
        _columns.TryGetValue(name, out var values)
            ? values
            : throw new InvalidDataException($"{Path} has no column '{name}'; its numeric columns are {string.Join(", ", _columns.Keys)}.");

    public static ProductionRunHistory Load(string path, IEnumerable<string> requiredColumns)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Production runs file {path} not found.", path);
        }

        var lines = File.ReadAllLines(path)
            .Select((text, index) => (Text: text.Trim(), Number: index + 1))
            .Where(l => l.Text.Length > 0 && !l.Text.StartsWith('#'))
            .ToList();
        if (lines.Count < 2)
        {
            throw new InvalidDataException($"{path} has no runs: it needs a header row and one row per run.");
        }

        var header = lines[0].Text.Split(',').Select(h => h.Trim()).ToArray();
        var required = requiredColumns.ToArray();
        var missing = required.Where(r => !header.Contains(r, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{path} lacks column(s) {string.Join(", ", missing)}; its header is: {lines[0].Text}");
        }

        var runColumn = Array.IndexOf(header, "run");
        var runIds = new string[lines.Count - 1];
        var columns = required.ToDictionary(r => r, _ => new double[lines.Count - 1], StringComparer.Ordinal);
        var indexes = required.ToDictionary(r => r, r => Array.IndexOf(header, r), StringComparer.Ordinal);
        for (var i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Text.Split(',');
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"{path} line {lines[i].Number}: {cells.Length} cells for {header.Length} columns.");
            }

            runIds[i - 1] = runColumn >= 0 ? cells[runColumn].Trim() : $"line {lines[i].Number}";
            foreach (var (name, column) in indexes)
            {
                if (!double.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw new InvalidDataException($"{path} line {lines[i].Number}: '{cells[column]}' in column {name} is not a number.");
                }

                columns[name][i - 1] = value;
            }
        }

        return new ProductionRunHistory(path, runIds, columns);
    }
}
