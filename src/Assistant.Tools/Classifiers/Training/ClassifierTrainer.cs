using System.Globalization;
using Assistant.Onnx;
using Assistant.Tools.Classifiers.Training.OnnxWriting;
using Microsoft.ML.OnnxRuntime;

namespace Assistant.Tools.Classifiers.Training;

/// <summary>How a training run splits and checks.</summary>
public sealed record TrainingRequest
{
    public GradientBoostingOptions? Options { get; init; }

    public double HeldOutShare { get; init; } = 0.2;

    public int SplitSeed { get; init; } = 42;

    /// <summary>Folds of stratified cross-validation over all rows; 0 skips it.</summary>
    public int CrossValidationFolds { get; init; } = 5;

    /// <summary>Train on at most this many rows (a stratified subset), for quick checks; null uses all.</summary>
    public int? MaxRows { get; init; }
}

/// <summary>The exported file checked against the C# model on every held-out row.</summary>
public sealed record ExportCheck(int Rows, int LabelMismatches, double MaxProbabilityDifference)
{
    public bool Passed => LabelMismatches == 0 && MaxProbabilityDifference < 1e-4;
}

public sealed record TrainedClassifier(
    ClassifierManifest Manifest,
    byte[] Onnx,
    FeatureRecipe Recipe,
    IReadOnlyList<GradientBoostedTrees> Models,
    ExportCheck ExportCheck,
    int[] HeldOutRows,
    TimeSpan Elapsed);

/// <summary>
/// Trains one gradient-boosted model per target, measures it on a stratified held-out split and by k-fold
/// cross-validation, writes the ONNX file, and checks the file against the C# model on every held-out row.
/// </summary>
public static class ClassifierTrainer
{
    public const string InputName = "readings";
    public const string MetadataName = "shopfloor.classifier";
    public const string MetadataVersion = "shopfloor.version";
    public const string MetadataFeatures = "shopfloor.features";

    public static TrainedClassifier Train(ClassifierDefinition definition, LabelledData data, TrainingRequest request, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        log ??= _ => { };
        var options = request.Options ?? definition.DefaultOptions;
        var recipe = definition.Recipe;
        var targets = definition.Targets;
        if (data.Rows.Count == 0 || data.Rows[0].Length != recipe.RawFeatures.Count)
        {
            throw new InvalidDataException($"{definition.Name}: the data rows do not have the {recipe.RawFeatures.Count} readings the definition lists.");
        }

        if (request.MaxRows is { } max && max < data.Rows.Count)
        {
            var (_, subset) = StratifiedSplit.TrainTest(data.StratifyBy, (double)max / data.Rows.Count, request.SplitSeed + 1);
            data = new LabelledData(subset.Select(i => data.Rows[i]).ToArray(), subset.Select(i => data.Labels[i]).ToArray(),
                subset.Select(i => data.StratifyBy[i]).ToArray(), [.. data.Notes, $"Trained on a stratified subset of {subset.Length} rows."]);
        }

        var expanded = data.Rows.Select(r => recipe.Expand(r)).ToArray();
        var (trainRows, heldOutRows) = StratifiedSplit.TrainTest(data.StratifyBy, request.HeldOutShare, request.SplitSeed);
        log($"{definition.Name}: {data.Rows.Count} rows, {trainRows.Length} to train, {heldOutRows.Length} held out; {options}");

        var models = new GradientBoostedTrees[targets.Count];
        var targetSpecs = new TargetSpec[targets.Count];
        for (var t = 0; t < targets.Count; t++)
        {
            var target = targets[t];
            var classCount = target.Classes.Count;
            var labels = data.Labels.Select(l => l[t]).ToArray();
            var trainer = new GradientBoostingTrainer(options);
            models[t] = trainer.Train(trainRows.Select(i => expanded[i]).ToArray(), trainRows.Select(i => labels[i]).ToArray(), classCount, cancellationToken);
            var heldOutTruth = heldOutRows.Select(i => labels[i]).ToArray();
            var heldOutPredicted = heldOutRows.Select(i => models[t].Predict(expanded[i])).ToArray();
            var heldOut = Figures(target, heldOutTruth, heldOutPredicted);
            log($"  {target.Name} held out: accuracy {heldOut.Accuracy:F4}, macro-F1 {heldOut.MacroF1:F4} ({PerClass(heldOut)}){Extra(heldOut)}");

            EvaluationFigures? crossValidation = null;
            if (request.CrossValidationFolds >= 2)
            {
                crossValidation = CrossValidate(target, expanded, labels, data.StratifyBy, options, request.CrossValidationFolds, request.SplitSeed, cancellationToken);
                log($"  {target.Name} {crossValidation.Folds}-fold CV: accuracy {crossValidation.Accuracy:F4}, macro-F1 {crossValidation.MacroF1:F4} ± {crossValidation.MacroF1StdDev:F4} ({PerClass(crossValidation)}){Extra(crossValidation)}");
            }

            targetSpecs[t] = new TargetSpec(target.Name, target.Description, $"{target.Name}_label", $"{target.Name}_probabilities", target.Classes, heldOut, crossValidation);
        }

        var features = definition.Features.Select((f, i) => Describe(f, trainRows.Select(r => data.Rows[r][i]).ToArray(), data.Rows.Select(r => r[i]))).ToArray();
        var manifest = new ClassifierManifest
        {
            Name = definition.Name,
            Version = definition.Version,
            Description = definition.Description,
            MachineTypes = definition.MachineTypes,
            Model = $"{definition.Name}.onnx",
            Input = InputName,
            Layout = targets.Count == 1
                ? "One ONNX file: the derived features are computed in the graph, then one ai.onnx.ml TreeEnsembleClassifier (softmax probabilities, no ZipMap)."
                : $"One ONNX file with {targets.Count} targets: one ai.onnx.ml TreeEnsembleClassifier per target on the same input, each with its own label and probabilities output (softmax, no ZipMap).",
            Features = features,
            Targets = targetSpecs,
            Training = new TrainingInfo(
                definition.DataDescription,
                definition.DataSource,
                $"Gradient-boosted trees (softmax loss, second-order leaf values, histogram splits) written in C# ({nameof(GradientBoostingTrainer)}); " +
                (recipe.Derived.Count > 0 ? $"derived features: {string.Join(", ", recipe.Derived.Select(d => $"{d.Name} = {d.Description}"))}." : "no derived features."),
                options.ToString(),
                data.Rows.Count,
                trainRows.Length,
                heldOutRows.Length,
                request.HeldOutShare,
                request.SplitSeed,
                targets.Count == 1 ? "stratified by class" : "stratified by the combination of all targets' classes",
                data.Notes),
        };

        var onnx = Export(manifest, recipe, models);
        var check = CheckExport(onnx, manifest, recipe, models, heldOutRows.Select(i => data.Rows[i]).ToArray());
        log($"  export check on {check.Rows} held-out rows: {check.LabelMismatches} label mismatches, max probability difference {check.MaxProbabilityDifference:E2}");
        return new TrainedClassifier(manifest, onnx, recipe, models, check, heldOutRows, started.Elapsed);
    }

    /// <summary>The ONNX file: readings float[N, F] -> derived features -> one TreeEnsembleClassifier per target.</summary>
    public static byte[] Export(ClassifierManifest manifest, FeatureRecipe recipe, IReadOnlyList<GradientBoostedTrees> models)
    {
        var builder = new OnnxModelBuilder(manifest.Name)
        {
            DocString = manifest.Description,
            ProducerVersion = manifest.Version,
        }
            .Opset("", 17)
            .Opset(TreeEnsembleClassifierExtensions.MlDomain, 3)
            .Input(manifest.Input, OnnxDataType.Float, -1, recipe.RawFeatures.Count)
            .Metadata(MetadataName, manifest.Name)
            .Metadata(MetadataVersion, manifest.Version)
            .Metadata(MetadataFeatures, string.Join(",", recipe.RawFeatures));
        var treeInput = recipe.WriteGraph(builder, manifest.Input);
        for (var t = 0; t < manifest.Targets.Count; t++)
        {
            var target = manifest.Targets[t];
            builder.Output(target.LabelOutput, OnnxDataType.Int64, -1)
                   .Output(target.ProbabilitiesOutput, OnnxDataType.Float, -1, target.Classes.Count)
                   .TreeEnsembleClassifier(treeInput, target.LabelOutput, target.ProbabilitiesOutput, ToSpec(models[t], target), $"{target.Name}_trees");
        }

        return builder.ToBytes();
    }

    private static TreeEnsembleClassifierSpec ToSpec(GradientBoostedTrees model, TargetSpec target)
    {
        var nodes = new List<TreeNodeSpec>();
        var weights = new List<TreeLeafWeight>();
        for (var treeId = 0; treeId < model.Trees.Count; treeId++)
        {
            var tree = model.Trees[treeId];
            for (var node = 0; node < tree.NodeCount; node++)
            {
                if (tree.Feature[node] < 0)
                {
                    nodes.Add(TreeNodeSpec.Leaf(treeId, node));
                    weights.Add(new TreeLeafWeight(treeId, node, tree.ClassIndex, tree.Value[node]));
                }
                else
                {
                    nodes.Add(TreeNodeSpec.Branch(treeId, node, tree.Feature[node], tree.Threshold[node], tree.Left[node], tree.Right[node]));
                }
            }
        }

        return new TreeEnsembleClassifierSpec(target.Classes.Select(c => c.Code).ToArray(), nodes, weights, model.BaseScores, "SOFTMAX");
    }

    public static ExportCheck CheckExport(byte[] onnx, ClassifierManifest manifest, FeatureRecipe recipe, IReadOnlyList<GradientBoostedTrees> models, IReadOnlyList<float[]> rawRows)
    {
        using var session = OnnxSessionFactory.Default.Open(onnx, new OnnxSessionSettings { MayUseGpu = false });
        var columns = rawRows[0].Length;
        var batch = new float[rawRows.Count * columns];
        for (var r = 0; r < rawRows.Count; r++)
        {
            rawRows[r].CopyTo(batch, r * columns);
        }

        using var input = OrtValue.CreateTensorValueFromMemory(batch, [rawRows.Count, columns]);
        var outputNames = manifest.Targets.SelectMany(t => new[] { t.LabelOutput, t.ProbabilitiesOutput }).ToArray();
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [manifest.Input], [input], outputNames);
        var mismatches = 0;
        var maxDifference = 0.0;
        for (var t = 0; t < manifest.Targets.Count; t++)
        {
            var target = manifest.Targets[t];
            var labels = outputs[2 * t].GetTensorDataAsSpan<long>();
            var probabilities = outputs[2 * t + 1].GetTensorDataAsSpan<float>();
            var classes = target.Classes.Count;
            for (var r = 0; r < rawRows.Count; r++)
            {
                var expectedProbabilities = models[t].Probabilities(recipe.Expand(rawRows[r]));
                var expected = target.Classes[GradientBoostedTrees.ArgMax(expectedProbabilities)].Code;
                mismatches += labels[r] == expected ? 0 : 1;
                var row = probabilities.Slice(r * classes, classes);
                for (var c = 0; c < row.Length; c++)
                {
                    maxDifference = Math.Max(maxDifference, Math.Abs(row[c] - expectedProbabilities[c]));
                }
            }
        }

        return new ExportCheck(rawRows.Count * manifest.Targets.Count, mismatches, maxDifference);
    }

    private static EvaluationFigures CrossValidate(TargetTemplate target, float[][] expanded, int[] labels, IReadOnlyList<int> strata, GradientBoostingOptions options, int folds, int seed, CancellationToken cancellationToken)
    {
        var fold = StratifiedSplit.Assign(strata, folds, seed);
        var predicted = new int[labels.Length];
        var foldMacroF1 = new double[folds];
        Parallel.For(0, folds, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = cancellationToken }, k =>
        {
            var train = Enumerable.Range(0, labels.Length).Where(i => fold[i] != k).ToArray();
            var test = Enumerable.Range(0, labels.Length).Where(i => fold[i] == k).ToArray();
            var model = new GradientBoostingTrainer(options).Train(train.Select(i => expanded[i]).ToArray(), train.Select(i => labels[i]).ToArray(), target.Classes.Count, cancellationToken);
            foreach (var i in test)
            {
                predicted[i] = model.Predict(expanded[i]);
            }

            foldMacroF1[k] = ClassificationMetrics.Compute(test.Select(i => labels[i]).ToArray(), test.Select(i => predicted[i]).ToArray(), target.Classes.Count).MacroF1;
        });

        var pooled = Figures(target, labels, predicted);
        var mean = foldMacroF1.Average();
        var std = Math.Sqrt(foldMacroF1.Sum(f => (f - mean) * (f - mean)) / folds);
        return pooled with { Folds = folds, MacroF1StdDev = Math.Round(std, 4) };
    }

    /// <summary>Figures rounded to 4 decimals, as the manifest keeps them.</summary>
    public static EvaluationFigures Figures(TargetTemplate target, IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var metrics = ClassificationMetrics.Compute(truth, predicted, target.Classes.Count);
        var perClass = target.Classes.Select((c, k) => (c.Label, metrics.PerClassF1[k])).ToDictionary(p => p.Label, p => Math.Round(p.Item2, 4));
        Dictionary<string, double>? extra = null;
        if (target.BinaryFigureName is not null)
        {
            var normal = target.Classes.ToList().FindIndex(c => c.Normal);
            extra = new() { [target.BinaryFigureName] = Math.Round(ClassificationMetrics.BinaryF1(truth, predicted, normal), 4) };
        }

        return new EvaluationFigures(truth.Count, Math.Round(metrics.Accuracy, 4), Math.Round(metrics.MacroF1, 4), perClass, extra);
    }

    private static FeatureSpec Describe(FeatureTemplate template, float[] trainValues, IEnumerable<float> allValues)
    {
        var sorted = trainValues.Order().ToArray();
        var typical = Math.Round(sorted[sorted.Length / 2], 4);
        double min, max;
        if (template.Range is { } range)
        {
            (min, max) = range;
        }
        else
        {
            var values = allValues.ToArray();
            double lo = values.Min(), hi = values.Max();
            var span = hi - lo;
            var margin = span > 0 ? span * 0.25 : Math.Max(Math.Abs(hi) * 0.1, 1);
            var step = Math.Pow(10, Math.Floor(Math.Log10(span > 0 ? span : margin)) - 1);
            min = Math.Round(Math.Floor((lo - margin) / step) * step, 6);
            max = Math.Round(Math.Ceiling((hi + margin) / step) * step, 6);
            if (lo >= 0)
            {
                // A quantity that was never negative (wear, power, spreads) cannot become so.
                min = Math.Max(min, 0);
            }
        }

        return new FeatureSpec(template.Name, template.Unit, template.Description, min, max, typical, template.Categories, template.AlternateUnits);
    }

    private static string PerClass(EvaluationFigures figures) =>
        string.Join(", ", figures.PerClassF1.Select(p => $"{p.Key} {p.Value.ToString("F3", CultureInfo.InvariantCulture)}"));

    private static string Extra(EvaluationFigures figures) =>
        figures.Extra is null ? "" : "; " + string.Join(", ", figures.Extra.Select(p => $"{p.Key} {p.Value.ToString("F4", CultureInfo.InvariantCulture)}"));
}
