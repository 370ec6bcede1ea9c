namespace Assistant.Web.Api;

/// <summary>The <c>Api:Triage</c> section: the thresholds of the priority rules, so the plant can tune them.</summary>
public sealed class TriageOptions
{
    public const string Section = "Api:Triage";

    /// <summary>Similar incidents listed in a triage (1-20).</summary>
    public int SimilarIncidents { get; set; } = 5;

    /// <summary>Median downtime of similar incidents (minutes) from which a ticket is P2.</summary>
    public int P2DowntimeMinutes { get; set; } = 120;

    /// <summary>Median downtime of similar incidents (minutes) from which a ticket is P3.</summary>
    public int P3DowntimeMinutes { get; set; } = 45;

    /// <summary>Similar incidents below this similarity do not count towards the downtime rules.</summary>
    public double MinSimilarity { get; set; } = 0.25;

    public int MaxTitleLength { get; set; } = 200;

    public int MaxDescriptionLength { get; set; } = 4000;

    public int MaxReadings { get; set; } = 64;
}
