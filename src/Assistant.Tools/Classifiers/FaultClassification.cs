namespace Assistant.Tools.Classifiers;

/// <summary>One reading handed to a classifier. <paramref name="Unit"/> may name an alternate unit (e.g. °C for a K feature).</summary>
public sealed record ReadingInput(string Name, double Value, string? Unit = null);

/// <summary>
/// What a classifier said about one set of readings: for each target, the top class with its meaning, every class's
/// probability (for a bar chart) and the readings that pushed the decision most.
/// </summary>
public sealed record FaultClassification(
    string Classifier,
    string Version,
    string? Machine,
    string ReadingsSource,
    DateTimeOffset? ReadAt,
    IReadOnlyList<UsedReading> Readings,
    IReadOnlyList<TargetResult> Results)
{
    /// <summary>The first target's top class (the only one for single-target classifiers).</summary>
    public string TopClass => Results[0].TopClass;
}

/// <param name="ConvertedFrom">The value and unit as given, when it was converted (e.g. "25 °C").</param>
public sealed record UsedReading(string Name, double Value, string Unit, string? ConvertedFrom = null);

/// <param name="IsNormal">True when the top class is the healthy one.</param>
/// <param name="Contributions">
/// How much each reading moved the top class's probability compared with a typical reading (the training median):
/// positive pushed towards the top class. Largest first.
/// </param>
public sealed record TargetResult(
    string Target,
    string TopClass,
    string Meaning,
    bool IsNormal,
    double Probability,
    IReadOnlyList<ClassProbability> Probabilities,
    IReadOnlyList<FeatureContribution> Contributions);

public sealed record ClassProbability(string Label, long Code, string Meaning, double Probability);

public sealed record FeatureContribution(string Feature, double Value, double Typical, string Unit, double Contribution);

/// <summary>The readings cannot be classified; <see cref="Problems"/> lists every problem found, each with how to fix it.</summary>
public sealed class ReadingsProblemException(string classifier, IReadOnlyList<string> problems)
    : ArgumentException($"The readings for {classifier} cannot be classified: {string.Join(" ", problems.Select((p, i) => $"({i + 1}) {p}"))}")
{
    public string Classifier { get; } = classifier;

    public IReadOnlyList<string> Problems { get; } = problems;
}
