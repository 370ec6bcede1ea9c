using Assistant.Onnx;
using Microsoft.ML.OnnxRuntime;
using Assistant.Tools.Classifiers.Training;
using Xunit;

namespace Assistant.Tools.Tests.Classifiers;

/// <summary>Training on small stratified subsets of the real data: quick, but the same code path as the committed models.</summary>
public sealed class TrainingTests
{
    private static readonly GradientBoostingOptions Small = new() { Rounds = 15, MaxDepth = 4, Seed = 7, ClassWeightPower = 0f };

    [Fact]
    public void Exported_milling_model_gives_the_csharp_predictions_on_every_held_out_row()
    {
        var definition = new MillingFailureDefinition();
        var data = definition.Load(ClassifierTestEnvironment.SharedDataRoot);

        var trained = ClassifierTrainer.Train(definition, data, new TrainingRequest { Options = Small, MaxRows = 2500, CrossValidationFolds = 0 });

        Assert.True(trained.ExportCheck.Passed, trained.ExportCheck.ToString());
        Assert.Equal(0, trained.ExportCheck.LabelMismatches);
        Assert.True(trained.ExportCheck.Rows >= 400, $"only {trained.ExportCheck.Rows} held-out rows were checked");

        // Independently of the trainer's own check: every held-out row, through the session, label for label.
        using var session = OnnxSessionFactory.Default.Open(trained.Onnx);
        var target = trained.Manifest.Targets[0];
        var heldOutRaw = trained.HeldOutRows.Select(i => SubsetRow(data, trained, i)).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(heldOutRaw.SelectMany(r => r).ToArray(), [heldOutRaw.Length, heldOutRaw[0].Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [trained.Manifest.Input], [input], [target.LabelOutput]);
        var labels = outputs[0].GetTensorDataAsSpan<long>().ToArray();
        var expected = heldOutRaw.Select(r => target.Classes[trained.Models[0].Predict(trained.Recipe.Expand(r))].Code).ToArray();
        Assert.Equal(expected, labels);
        Assert.True(trained.Manifest.Targets[0].HeldOut!.Accuracy > 0.95, $"held-out accuracy {trained.Manifest.Targets[0].HeldOut!.Accuracy}");
    }

    [Fact]
    public void Derived_features_in_the_graph_compute_what_the_recipe_computes()
    {
        var recipe = new MillingFailureDefinition().Recipe;
        float[] raw = [1f, 298.1f, 308.6f, 1551f, 42.8f, 17f];

        var expanded = recipe.Expand(raw);

        Assert.Equal(308.6f - 298.1f, expanded[6]);
        Assert.Equal(42.8f * 1551f * (float)(2 * Math.PI / 60), expanded[7]);
        Assert.Equal(17f * 42.8f, expanded[8]);
    }

    [Fact]
    public void Multi_target_hydraulic_export_matches_for_every_target_and_training_is_reproducible()
    {
        var definition = new HydraulicConditionDefinition();
        var data = definition.Load(ClassifierTestEnvironment.SharedDataRoot);
        var request = new TrainingRequest { Options = Small with { Rounds = 8 }, MaxRows = 600, CrossValidationFolds = 0 };

        var first = ClassifierTrainer.Train(definition, data, request);
        var second = ClassifierTrainer.Train(definition, data, request);

        Assert.Equal(4, first.Manifest.Targets.Count);
        Assert.True(first.ExportCheck.Passed, first.ExportCheck.ToString());
        Assert.Equal(first.Onnx, second.Onnx);
        Assert.Equal(1.0, first.Manifest.Targets.Single(t => t.Name == "cooler").HeldOut!.Accuracy, 2);
    }

    [Fact]
    public void Different_seed_gives_a_different_model()
    {
        var definition = new HydraulicConditionDefinition();
        var data = definition.Load(ClassifierTestEnvironment.SharedDataRoot);
        var request = new TrainingRequest { Options = Small with { Rounds = 4 }, MaxRows = 400, CrossValidationFolds = 0 };

        var a = ClassifierTrainer.Train(definition, data, request);
        var b = ClassifierTrainer.Train(definition, data, request with { Options = request.Options! with { Seed = 8 } });

        Assert.NotEqual(a.Onnx, b.Onnx);
    }

    [Fact]
    public void Metrics_match_a_hand_worked_confusion()
    {
        // truth 0 0 1 1 2, predicted 0 1 1 1 0: class 0 tp1 fp1 fn1 -> 0.5; class 1 tp2 fp1 fn0 -> 0.8; class 2 tp0 -> 0
        var metrics = ClassificationMetrics.Compute([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);

        Assert.Equal(0.6, metrics.Accuracy, 10);
        Assert.Equal([0.5, 0.8, 0.0], metrics.PerClassF1.Select(f => Math.Round(f, 10)));
        Assert.Equal(1.3 / 3, metrics.MacroF1, 10);
        // failure = not class 0: truth F F N N N? -> truth positives rows 2,3,4; predicted positives rows 1,2,3: tp 2, fp 1, fn 1
        Assert.Equal(2.0 / 3, ClassificationMetrics.BinaryF1([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 0), 10);
    }

    [Fact]
    public void Stratified_split_keeps_each_class_share()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i < 900 ? 0 : i < 990 ? 1 : 2).ToArray();

        var (train, heldOut) = StratifiedSplit.TrainTest(labels, 0.2, 42);

        Assert.Equal(1000, train.Length + heldOut.Length);
        Assert.Empty(train.Intersect(heldOut));
        Assert.Equal(180, heldOut.Count(i => labels[i] == 0));
        Assert.Equal(18, heldOut.Count(i => labels[i] == 1));
        Assert.Equal(2, heldOut.Count(i => labels[i] == 2));
    }

    private static float[] SubsetRow(LabelledData data, TrainedClassifier trained, int heldOutIndex)
    {
        // The trainer works on its stratified subset; rebuild it the same way to find the row.
        var (_, subset) = StratifiedSplit.TrainTest(data.StratifyBy, 2500.0 / data.Rows.Count, 42 + 1);
        return data.Rows[subset[heldOutIndex]];
    }
}
