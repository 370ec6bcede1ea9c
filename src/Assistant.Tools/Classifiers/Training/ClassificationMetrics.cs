namespace Assistant.Tools.Classifiers.Training;

/// <summary>Accuracy, per-class and macro F1 from true and predicted class indexes.</summary>
public sealed record ClassificationMetrics(int Rows, double Accuracy, double MacroF1, IReadOnlyList<double> PerClassF1, int[,] Confusion)
{
    public static ClassificationMetrics Compute(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classCount)
    {
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.");
        }

        var confusion = new int[classCount, classCount];
        for (var i = 0; i < truth.Count; i++)
        {
            confusion[truth[i], predicted[i]]++;
        }

        var f1 = new double[classCount];
        var correct = 0;
        for (var k = 0; k < classCount; k++)
        {
            correct += confusion[k, k];
            var tp = confusion[k, k];
            var fp = Enumerable.Range(0, classCount).Sum(t => t == k ? 0 : confusion[t, k]);
            var fn = Enumerable.Range(0, classCount).Sum(p => p == k ? 0 : confusion[k, p]);
            f1[k] = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }

        return new ClassificationMetrics(truth.Count, truth.Count == 0 ? 0 : (double)correct / truth.Count, f1.Average(), f1, confusion);
    }

    /// <summary>F1 of "any class but <paramref name="negativeClass"/>" against the same for the truth.</summary>
    public static double BinaryF1(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int negativeClass)
    {
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            var t = truth[i] != negativeClass;
            var p = predicted[i] != negativeClass;
            if (t && p)
            {
                tp++;
            }
            else if (p)
            {
                fp++;
            }
            else if (t)
            {
                fn++;
            }
        }

        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }
}

/// <summary>Seeded, stratified splits: every class keeps its share in each part.</summary>
public static class StratifiedSplit
{
    /// <summary>Row indexes for training and held-out evaluation; <paramref name="heldOutShare"/> of each class is held out.</summary>
    public static (int[] Train, int[] HeldOut) TrainTest(IReadOnlyList<int> labels, double heldOutShare, int seed)
    {
        var folds = Assign(labels, (int)Math.Round(1 / heldOutShare), seed);
        return (Enumerable.Range(0, labels.Count).Where(i => folds[i] != 0).ToArray(),
                Enumerable.Range(0, labels.Count).Where(i => folds[i] == 0).ToArray());
    }

    /// <summary>Fold number (0..k-1) of each row.</summary>
    public static int[] Assign(IReadOnlyList<int> labels, int folds, int seed)
    {
        var random = new Random(seed);
        var assignment = new int[labels.Count];
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            for (var j = 0; j < members.Length; j++)
            {
                assignment[members[j]] = j % folds;
            }
        }

        return assignment;
    }
}
