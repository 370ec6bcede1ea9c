namespace Assistant.Tools.Processes;

/// <summary>The <c>Processes</c> section of appsettings.json.</summary>
public sealed class ProcessOptimizerOptions
{
    public const string SectionName = "Processes";

    /// <summary>Folder of process model files (<c>*.json</c>), relative to the content root.</summary>
    public string Path { get; set; } = "models/processes";

    /// <summary>Seed of the random starting points: the same request gives the same answer.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Local solves per request.</summary>
    public int Starts { get; set; } = 6;

    /// <summary>Starts solved in parallel; 0 uses every core. The answer is the same either way.</summary>
    public int MaxParallelism { get; set; }

    /// <summary>Wall-clock budget of one request; the best point found by then is returned, marked as such.</summary>
    public double TimeLimitSeconds { get; set; } = 10;
}
