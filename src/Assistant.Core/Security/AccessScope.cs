namespace Assistant.Core.Security;

/// <summary>
/// The production lines a signed-in account or an API key may see. Documents, incidents, classifiers and process
/// models of other lines stay out of its answers; plant-wide documents (no line) are visible to every scope.
/// </summary>
/// <param name="Lines">Line ids (case-insensitive); null means every line.</param>
public sealed record AccessScope(IReadOnlySet<string>? Lines)
{
    /// <summary>Every line of the plant.</summary>
    public static readonly AccessScope WholePlant = new((IReadOnlySet<string>?)null);

    public static AccessScope ForLines(IEnumerable<string> lines) =>
        new(lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase));

    public bool SeesWholePlant => Lines is null;

    /// <summary>True for a plant-wide item (no line) and for an item on one of the scope's lines.</summary>
    public bool CanSee(string? line) =>
        string.IsNullOrWhiteSpace(line) || Lines is null || Lines.Contains(line.Trim());
}
