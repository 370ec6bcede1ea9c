using System.Globalization;

namespace Assistant.Tools.Classifiers;

/// <summary>A machine's latest readings and when they were taken.</summary>
public sealed record MachineReadings(string Machine, DateTimeOffset? ReadAt, IReadOnlyList<ReadingInput> Readings, string Source);

/// <summary>
/// The latest readings per machine, from a CSV snapshot with the header <c>machine,read_at,feature,value,unit</c>
/// (one reading per line; the newest line per machine and feature wins). A category may be given by name (e.g. M).
/// The file is re-read when it changes, so a collector can rewrite it while the assistant runs.
/// </summary>
public sealed class ReadingsSnapshot(string path, Func<string, string, double?>? categoryCode = null)
{
    private readonly Lock _gate = new();
    private (DateTime Stamp, Dictionary<string, MachineReadings> Machines)? _cache;

    public string Path { get; } = path;

    public MachineReadings? Latest(string machine)
    {
        var machines = Load();
        return machines.GetValueOrDefault(machine);
    }

    public IReadOnlyCollection<string> Machines => Load().Keys;

    private Dictionary<string, MachineReadings> Load()
    {
        if (!File.Exists(Path))
        {
            return new Dictionary<string, MachineReadings>(StringComparer.OrdinalIgnoreCase);
        }

        var stamp = File.GetLastWriteTimeUtc(Path);
        lock (_gate)
        {
            if (_cache is { } cached && cached.Stamp == stamp)
            {
                return cached.Machines;
            }

            var machines = Parse();
            _cache = (stamp, machines);
            return machines;
        }
    }

    private Dictionary<string, MachineReadings> Parse()
    {
        var lines = File.ReadAllLines(Path);
        if (lines.Length == 0 || !lines[0].Trim().Equals("machine,read_at,feature,value,unit", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{Path} must start with the header 'machine,read_at,feature,value,unit'.");
        }

        var latest = new Dictionary<(string Machine, string Feature), (DateTimeOffset? At, ReadingInput Reading)>();
        for (var n = 1; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != 5)
            {
                throw new InvalidDataException($"{Path} line {n + 1}: expected 5 comma-separated cells, found {cells.Length}.");
            }

            var (machine, feature) = (cells[0].Trim(), cells[2].Trim());
            DateTimeOffset? at = DateTimeOffset.TryParse(cells[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
            var text = cells[3].Trim();
            double value;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                // A category name (product quality "M"); an unknown word becomes NaN so validation names it.
                value = categoryCode?.Invoke(feature, text) ?? double.NaN;
            }

            var reading = new ReadingInput(feature, value, cells[4].Trim() is { Length: > 0 } unit ? unit : null);
            var key = (machine.ToUpperInvariant(), feature);
            if (!latest.TryGetValue(key, out var existing) || (at ?? DateTimeOffset.MinValue) >= (existing.At ?? DateTimeOffset.MinValue))
            {
                latest[key] = (at, reading);
            }
        }

        return latest
            .GroupBy(p => p.Key.Machine)
            .ToDictionary(
                g => g.Key,
                g => new MachineReadings(g.Key, g.Max(p => p.Value.At), g.Select(p => p.Value.Reading).ToArray(), Path),
                StringComparer.OrdinalIgnoreCase);
    }
}
