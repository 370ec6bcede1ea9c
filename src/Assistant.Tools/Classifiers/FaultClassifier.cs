using System.Globalization;
using Assistant.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Assistant.Tools.Classifiers;

/// <summary>
/// A loaded classifier: its manifest and its ONNX session, checked against each other. Turns readings into a
/// model row (validating and converting units first) and model outputs into <see cref="FaultClassification"/>s.
/// </summary>
public sealed class FaultClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly Dictionary<string, int> _featureIndex;
    private readonly string[] _inputNames;
    private readonly string[] _probabilityOutputs;
    private readonly RunOptions _runOptions = new();

    private FaultClassifier(ClassifierManifest manifest, InferenceSession session, string modelPath)
    {
        Manifest = manifest;
        _session = session;
        ModelPath = modelPath;
        _featureIndex = manifest.Features.Select((f, i) => (f.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.OrdinalIgnoreCase);
        _inputNames = [manifest.Input];
        _probabilityOutputs = manifest.Targets.Select(t => t.ProbabilitiesOutput).ToArray();
    }

    public ClassifierManifest Manifest { get; }

    public string Name => Manifest.Name;

    public string ModelPath { get; }

    /// <summary>Readings to report per target, largest first; the rest are left out of the result.</summary>
    public int MaxContributions { get; init; } = 8;

    /// <summary>Opens the model and checks it against the manifest; any mismatch is an <see cref="InvalidDataException"/> naming it.</summary>
    public static FaultClassifier Open(ClassifierManifest manifest, string manifestPath, OnnxSessionFactory? sessions = null, OnnxSessionSettings? settings = null)
    {
        var modelPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, manifest.Model);
        var problems = CheckManifest(manifest);
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{manifestPath}: {string.Join("; ", problems)}.");
        }

        var session = (sessions ?? OnnxSessionFactory.Default).Open(modelPath, settings);
        try
        {
            problems = CheckAgainstModel(manifest, session);
            if (problems.Count > 0)
            {
                throw new InvalidDataException($"{manifestPath} does not match its model {modelPath}: {string.Join("; ", problems)}.");
            }

            return new FaultClassifier(manifest, session, modelPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static List<string> CheckManifest(ClassifierManifest manifest)
    {
        var problems = new List<string>();
        if (manifest.Features.Count == 0)
        {
            problems.Add("it lists no features");
        }

        if (manifest.Targets.Count == 0)
        {
            problems.Add("it lists no targets");
        }

        foreach (var f in manifest.Features.Where(f => !(f.Min <= f.Max)))
        {
            problems.Add($"feature '{f.Name}' has min {f.Min} above max {f.Max}");
        }

        foreach (var duplicate in manifest.Features.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"feature '{duplicate.Key}' is listed {duplicate.Count()} times");
        }

        return problems;
    }

    private static List<string> CheckAgainstModel(ClassifierManifest manifest, InferenceSession session)
    {
        var problems = new List<string>();
        if (!session.InputMetadata.TryGetValue(manifest.Input, out var input))
        {
            problems.Add($"the model has no input '{manifest.Input}' (it has {Describe(session.InputMetadata)})");
        }
        else if (!input.IsTensor || input.ElementType != typeof(float) || input.Dimensions.Length != 2 || (input.Dimensions[1] >= 0 && input.Dimensions[1] != manifest.Features.Count))
        {
            problems.Add($"the model's input is {Describe(manifest.Input, input)}, but the manifest lists {manifest.Features.Count} features (needs Float[?, {manifest.Features.Count}])");
        }

        if (session.InputMetadata.Count != 1)
        {
            problems.Add($"the model takes {session.InputMetadata.Count} inputs; a classifier takes one");
        }

        foreach (var target in manifest.Targets)
        {
            if (!session.OutputMetadata.ContainsKey(target.LabelOutput))
            {
                problems.Add($"target '{target.Name}': the model has no output '{target.LabelOutput}'");
            }

            if (!session.OutputMetadata.TryGetValue(target.ProbabilitiesOutput, out var probabilities))
            {
                problems.Add($"target '{target.Name}': the model has no output '{target.ProbabilitiesOutput}' (outputs: {Describe(session.OutputMetadata)})");
            }
            else if (!probabilities.IsTensor || probabilities.ElementType != typeof(float) || probabilities.Dimensions.Length != 2)
            {
                problems.Add($"target '{target.Name}': output {Describe(target.ProbabilitiesOutput, probabilities)} is not a Float[?, classes] tensor (export without ZipMap)");
            }
            else if (probabilities.Dimensions[1] >= 0 && probabilities.Dimensions[1] != target.Classes.Count)
            {
                problems.Add($"target '{target.Name}': the model gives {probabilities.Dimensions[1]} class probabilities, the manifest lists {target.Classes.Count} classes");
            }
        }

        // Models we export carry their name, version and feature order; check them when present.
        var metadata = session.ModelMetadata.CustomMetadataMap;
        CheckMetadata(metadata, "shopfloor.classifier", manifest.Name, "name", problems);
        CheckMetadata(metadata, "shopfloor.version", manifest.Version, "version", problems);
        CheckMetadata(metadata, "shopfloor.features", string.Join(",", manifest.Features.Select(f => f.Name)), "feature order", problems);
        return problems;
    }

    private static void CheckMetadata(IReadOnlyDictionary<string, string> metadata, string key, string expected, string what, List<string> problems)
    {
        if (metadata.TryGetValue(key, out var actual) && actual != expected)
        {
            problems.Add($"the model's {what} is '{actual}', the manifest says '{expected}'");
        }
    }

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) => string.Join(", ", nodes.Select(n => Describe(n.Key, n.Value)));

    private static string Describe(string name, NodeMetadata node) =>
        node.IsTensor
            ? $"{name}: {node.ElementType.Name}[{string.Join(", ", node.Dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}]"
            : $"{name}: {node.OnnxValueType}";

    /// <summary>
    /// Validates one set of readings and returns the model row (in the manifest's units) and what was used.
    /// Throws <see cref="ReadingsProblemException"/> listing every problem.
    /// </summary>
    public (float[] Row, IReadOnlyList<UsedReading> Used) PrepareRow(IReadOnlyList<ReadingInput> readings)
    {
        var problems = new List<string>();
        var row = new float[Manifest.Features.Count];
        var used = new UsedReading?[Manifest.Features.Count];
        foreach (var reading in readings)
        {
            if (!_featureIndex.TryGetValue(reading.Name, out var index))
            {
                problems.Add($"'{reading.Name}' is not a reading this classifier takes; it takes {string.Join(", ", Manifest.Features.Select(f => f.Name))}.");
                continue;
            }

            var feature = Manifest.Features[index];
            if (used[index] is not null)
            {
                problems.Add($"{feature.Name} is given twice.");
                continue;
            }

            var problem = Convert(feature, reading, out var value, out var convertedFrom);
            if (problem is not null)
            {
                problems.Add(problem);
                continue;
            }

            row[index] = (float)value;
            used[index] = new UsedReading(feature.Name, value, feature.Unit, convertedFrom);
        }

        var missing = Manifest.Features.Where((f, i) => used[i] is null && readings.All(r => !string.Equals(r.Name, f.Name, StringComparison.OrdinalIgnoreCase))).ToList();
        foreach (var feature in missing)
        {
            problems.Add($"{feature.Name} is missing: give {feature.Description.TrimEnd('.')} in {feature.Unit} ({Range(feature)}).");
        }

        if (problems.Count > 0)
        {
            throw new ReadingsProblemException(Name, problems);
        }

        return (row, used!);
    }

    private static string? Convert(FeatureSpec feature, ReadingInput reading, out double value, out string? convertedFrom)
    {
        value = reading.Value;
        convertedFrom = null;
        if (double.IsNaN(reading.Value) || double.IsInfinity(reading.Value))
        {
            return $"{feature.Name} is {reading.Value.ToString(CultureInfo.InvariantCulture)}, not a number: give a measured value in {feature.Unit}.";
        }

        if (!string.IsNullOrWhiteSpace(reading.Unit) && !SameUnit(reading.Unit, feature.Unit))
        {
            var alternate = feature.AlternateUnits?.FirstOrDefault(a => SameUnit(a.Unit, reading.Unit));
            if (alternate is null)
            {
                var known = new[] { feature.Unit }.Concat(feature.AlternateUnits?.Select(a => a.Unit) ?? []);
                return $"{feature.Name} is given in '{reading.Unit}', which is not a unit it knows: use {string.Join(" or ", known)}.";
            }

            value = alternate.ToCanonical(reading.Value);
            convertedFrom = $"{Format(reading.Value)} {alternate.Unit}";
        }

        if (feature.Categories is { Count: > 0 } && (value != Math.Floor(value) || value < 0 || value >= feature.Categories.Count))
        {
            return $"{feature.Name} is {Format(value)}, not a category code: give {string.Join(", ", feature.Categories.Select((c, i) => $"{i} for {c}"))}.";
        }

        if (value < feature.Min || value > feature.Max)
        {
            var given = convertedFrom is null ? $"{Format(value)} {feature.Unit}" : $"{convertedFrom} = {Format(value)} {feature.Unit}";
            var asGiven = value;
            var hint = convertedFrom is null
                ? feature.AlternateUnits?
                    .Select(a => (a, canonical: a.ToCanonical(asGiven)))
                    .Where(p => p.canonical >= feature.Min && p.canonical <= feature.Max)
                    .Select(p => $" It looks like a value in {p.a.Unit}: in {feature.Unit} that is {Format(p.canonical)}; give the unit or convert it.")
                    .FirstOrDefault() ?? ""
                : "";
            return $"{feature.Name} = {given} is outside the valid range {Range(feature)}.{hint}";
        }

        return null;
    }

    /// <summary>Runs the model on validated rows and builds one result per row.</summary>
    public IReadOnlyList<IReadOnlyList<TargetResult>> Run(IReadOnlyList<float[]> rows, bool explain = true)
    {
        var features = Manifest.Features;
        var stride = explain ? features.Count + 1 : 1;
        var batch = new float[rows.Count * stride * features.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var v = 0; v < stride; v++)
            {
                var offset = (r * stride + v) * features.Count;
                rows[r].CopyTo(batch, offset);
                if (v > 0)
                {
                    // Variant v puts reading v-1 at its typical value: the change in probability is that reading's contribution.
                    batch[offset + v - 1] = (float)features[v - 1].Typical;
                }
            }
        }

        using var input = OrtValue.CreateTensorValueFromMemory(batch, [rows.Count * stride, features.Count]);
        using var outputs = _session.Run(_runOptions, _inputNames, [input], _probabilityOutputs);
        var results = new IReadOnlyList<TargetResult>[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var perTarget = new TargetResult[Manifest.Targets.Count];
            for (var t = 0; t < Manifest.Targets.Count; t++)
            {
                var target = Manifest.Targets[t];
                var probabilities = outputs[t].GetTensorDataAsSpan<float>();
                var classes = target.Classes.Count;
                var p = probabilities.Slice(r * stride * classes, classes).ToArray();
                var top = 0;
                for (var c = 1; c < p.Length; c++)
                {
                    top = p[c] > p[top] ? c : top;
                }

                var contributions = new List<FeatureContribution>();
                if (explain)
                {
                    for (var f = 0; f < features.Count; f++)
                    {
                        var delta = p[top] - probabilities[(r * stride + 1 + f) * classes + top];
                        contributions.Add(new FeatureContribution(features[f].Name, rows[r][f], features[f].Typical, features[f].Unit, Math.Round(delta, 4)));
                    }
                }

                var topClass = target.Classes[top];
                perTarget[t] = new TargetResult(
                    target.Name,
                    topClass.Label,
                    topClass.Meaning,
                    topClass.Normal,
                    Math.Round(p[top], 4),
                    target.Classes.Select((c, i) => new ClassProbability(c.Label, c.Code, c.Meaning, Math.Round(p[i], 4))).ToArray(),
                    contributions.OrderByDescending(c => Math.Abs(c.Contribution)).ThenBy(c => c.Feature, StringComparer.Ordinal).Take(MaxContributions).ToArray());
            }

            results[r] = perTarget;
        }

        return results;
    }

    private static bool SameUnit(string a, string b) => string.Equals(NormaliseUnit(a), NormaliseUnit(b), StringComparison.OrdinalIgnoreCase);

    private static string NormaliseUnit(string unit) => unit.Trim() switch
    {
        "C" or "degC" or "deg C" or "celsius" or "Celsius" or "℃" => "°C",
        "kelvin" or "Kelvin" => "K",
        "N m" or "N·m" or "N*m" => "Nm",
        "1/min" or "min-1" or "RPM" => "rpm",
        var other => other,
    };

    private static string Range(FeatureSpec f) => $"{Format(f.Min)} to {Format(f.Max)} {f.Unit}";

    private static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
