namespace Assistant.Knowledge.Incidents;

/// <summary>Where incidents recorded through the API are appended (the <c>Api:IncidentLog</c> section).</summary>
public sealed class IncidentLogOptions
{
    /// <summary>The CSV file, relative to the knowledge root, so ingestion reads it like the plant's other incident logs.</summary>
    public string Path { get; set; } = "incidents/from-ticketing.csv";
}
