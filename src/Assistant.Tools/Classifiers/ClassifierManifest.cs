using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assistant.Tools.Classifiers;

/// <summary>
/// What sits beside <c>models/classifiers/&lt;name&gt;.onnx</c> as <c>&lt;name&gt;.json</c>: what the model classifies, for
/// which machines, the readings it takes in order (units, valid ranges), its classes in plain words, and the
/// figures it reached on data it never saw. The registry refuses a manifest that does not match its model.
/// </summary>
public sealed record ClassifierManifest
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>What it classifies, in the plant's words.</summary>
    public required string Description { get; init; }

    /// <summary>Machine types from plant.json this classifier is meant for.</summary>
    public required IReadOnlyList<string> MachineTypes { get; init; }

    /// <summary>The ONNX file, relative to the manifest's folder.</summary>
    public required string Model { get; init; }

    /// <summary>The model's input tensor: float[N, Features.Count].</summary>
    public required string Input { get; init; }

    /// <summary>How the file is laid out, e.g. one TreeEnsembleClassifier per target sharing one input.</summary>
    public string? Layout { get; init; }

    public required IReadOnlyList<FeatureSpec> Features { get; init; }

    public required IReadOnlyList<TargetSpec> Targets { get; init; }

    public TrainingInfo? Training { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ClassifierManifest Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<ClassifierManifest>(stream, JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid classifier manifest: {ex.Message}", ex);
        }
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions) + "\n");
}

/// <summary>One reading the model takes, at its position in the input row.</summary>
/// <param name="Typical">A typical value (the training median): the reference that contributions are measured against.</param>
/// <param name="Categories">For a coded category (e.g. product quality L/M/H): the names of codes 0, 1, 2...</param>
/// <param name="AlternateUnits">Units people often use instead; a value given in one is converted, and an out-of-range value that fits one is pointed out.</param>
public sealed record FeatureSpec(
    string Name,
    string Unit,
    string Description,
    double Min,
    double Max,
    double Typical,
    IReadOnlyList<string>? Categories = null,
    IReadOnlyList<AlternateUnit>? AlternateUnits = null);

/// <summary>value in <see cref="FeatureSpec.Unit"/> = value in <see cref="Unit"/> x Scale + Offset.</summary>
public sealed record AlternateUnit(string Unit, double Scale = 1, double Offset = 0)
{
    public double ToCanonical(double value) => value * Scale + Offset;
}

/// <summary>One thing the model predicts (a file may predict several, e.g. cooler and valve condition).</summary>
public sealed record TargetSpec(
    string Name,
    string Description,
    string LabelOutput,
    string ProbabilitiesOutput,
    IReadOnlyList<ClassSpec> Classes,
    EvaluationFigures? HeldOut = null,
    EvaluationFigures? CrossValidation = null);

/// <param name="Code">The value the model's label output gives for this class (e.g. 20 for "cooler at 20 %").</param>
/// <param name="Normal">True for the healthy class: anything else is a fault or a degradation.</param>
public sealed record ClassSpec(long Code, string Label, string Meaning, bool Normal = false);

/// <summary>Figures measured on rows the model did not train on.</summary>
/// <param name="Extra">Other figures by name, e.g. binary failure F1.</param>
public sealed record EvaluationFigures(
    int Rows,
    double Accuracy,
    double MacroF1,
    IReadOnlyDictionary<string, double> PerClassF1,
    IReadOnlyDictionary<string, double>? Extra = null,
    int? Folds = null,
    double? MacroF1StdDev = null);

public sealed record TrainingInfo(
    string Data,
    string Source,
    string Method,
    string Options,
    int Rows,
    int TrainRows,
    int HeldOutRows,
    double HeldOutShare,
    int SplitSeed,
    string Split,
    IReadOnlyList<string> Notes);
