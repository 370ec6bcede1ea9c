namespace Assistant.Tools.Classifiers;

/// <summary>The <c>Classifiers</c> section of appsettings.json.</summary>
public sealed class ClassifierOptions
{
    public const string Section = "Classifiers";

    /// <summary>Folder with <c>&lt;name&gt;.onnx</c> + <c>&lt;name&gt;.json</c> pairs (relative to the content root).</summary>
    public string Path { get; set; } = "models/classifiers";

    /// <summary>Latest readings per machine: a CSV or JSONL snapshot (relative to the content root).</summary>
    public string ReadingsPath { get; set; } = "knowledge/readings/latest.csv";

    /// <summary>ORT threads per classifier session; 1 keeps single-row latency lowest.</summary>
    public int IntraOpThreads { get; set; } = 1;
}
