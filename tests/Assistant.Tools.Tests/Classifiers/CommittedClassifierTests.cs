using Assistant.Tools.Classifiers;
using Assistant.Tools.Classifiers.Training;
using Xunit;

namespace Assistant.Tools.Tests.Classifiers;

/// <summary>The classifiers committed under models/classifiers reach the figures their manifests claim, on the held-out rows.</summary>
public sealed class CommittedClassifierTests
{
    public static TheoryData<string> Definitions => new() { MillingFailureDefinition.ClassifierName, HydraulicConditionDefinition.ClassifierName };

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Held_out_figures_in_the_manifest_are_what_the_committed_model_scores(string name)
    {
        ClassifierDefinition definition = name == MillingFailureDefinition.ClassifierName ? new MillingFailureDefinition() : new HydraulicConditionDefinition();
        using var registry = new FaultClassifierRegistry(ClassifierTestEnvironment.ClassifierFolder);
        var classifier = registry.Get(name);
        var manifest = classifier.Manifest;
        var training = manifest.Training!;
        var data = definition.Load(ClassifierTestEnvironment.SharedDataRoot);
        Assert.Equal(training.Rows, data.Rows.Count);

        var (_, heldOut) = StratifiedSplit.TrainTest(data.StratifyBy, training.HeldOutShare, training.SplitSeed);
        Assert.Equal(training.HeldOutRows, heldOut.Length);

        var results = classifier.Run(heldOut.Select(i => data.Rows[i]).ToArray(), explain: false);
        for (var t = 0; t < manifest.Targets.Count; t++)
        {
            var target = manifest.Targets[t];
            var template = definition.Targets[t];
            var truth = heldOut.Select(i => data.Labels[i][t]).ToArray();
            var predicted = results.Select(r => target.Classes.ToList().FindIndex(c => c.Label == r[t].TopClass)).ToArray();

            var figures = ClassifierTrainer.Figures(template, truth, predicted);

            Assert.Equal(target.HeldOut!.Accuracy, figures.Accuracy, 4);
            Assert.Equal(target.HeldOut.MacroF1, figures.MacroF1, 4);
            foreach (var (label, f1) in target.HeldOut.PerClassF1)
            {
                Assert.Equal(f1, figures.PerClassF1[label], 4);
            }
        }
    }

    [Fact]
    public void Milling_classifier_beats_the_published_leakage_free_anchors()
    {
        using var registry = new FaultClassifierRegistry(ClassifierTestEnvironment.ClassifierFolder);
        var target = registry.Get(MillingFailureDefinition.ClassifierName).Manifest.Targets.Single();

        Assert.True(target.HeldOut!.MacroF1 > 0.608, $"six-class macro-F1 {target.HeldOut.MacroF1}");
        Assert.True(target.HeldOut.Extra!["machine_failure_f1"] > 0.895, $"binary F1 {target.HeldOut.Extra["machine_failure_f1"]}");
        Assert.True(target.CrossValidation!.MacroF1 > 0.608, $"5-fold macro-F1 {target.CrossValidation.MacroF1}");
        Assert.Equal(5, target.CrossValidation.Folds);
    }

    [Fact]
    public void Manifests_describe_every_feature_and_class_in_plain_words()
    {
        using var registry = new FaultClassifierRegistry(ClassifierTestEnvironment.ClassifierFolder);

        Assert.Empty(registry.Problems);
        Assert.Equal(2, registry.Classifiers.Count);
        foreach (var manifest in registry.Classifiers.Select(c => c.Manifest))
        {
            Assert.NotEmpty(manifest.MachineTypes);
            Assert.All(manifest.Features, f =>
            {
                Assert.False(string.IsNullOrWhiteSpace(f.Unit));
                Assert.False(string.IsNullOrWhiteSpace(f.Description));
                Assert.InRange(f.Typical, f.Min, f.Max);
            });
            Assert.All(manifest.Targets.SelectMany(t => t.Classes), c => Assert.False(string.IsNullOrWhiteSpace(c.Meaning)));
            Assert.All(manifest.Targets, t => Assert.Single(t.Classes, c => c.Normal));
        }
    }
}
