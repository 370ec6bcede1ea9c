namespace Assistant.Tools.Classifiers.Training;

/// <summary>
/// One regression tree in flat arrays. Node 0 is the root; a row goes left when <c>x[Feature] &lt;= Threshold</c>
/// (float compare, the same as ONNX's BRANCH_LEQ). Leaves have <c>Feature = -1</c> and carry <see cref="Value"/>.
/// </summary>
public sealed record RegressionTree(int ClassIndex, int[] Feature, float[] Threshold, int[] Left, int[] Right, float[] Value)
{
    public int NodeCount => Feature.Length;

    public int LeafFor(ReadOnlySpan<float> row)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            node = row[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return node;
    }
}

/// <summary>
/// A multi-class gradient-boosted tree model with softmax output: score(class) = base + sum of that class's tree
/// leaves. Predictions are computed in float like ONNX Runtime's TreeEnsembleClassifier.
/// </summary>
public sealed class GradientBoostedTrees
{
    public GradientBoostedTrees(int featureCount, float[] baseScores, IReadOnlyList<RegressionTree> trees)
    {
        FeatureCount = featureCount;
        BaseScores = baseScores;
        Trees = trees;
    }

    public int FeatureCount { get; }

    public int ClassCount => BaseScores.Length;

    public float[] BaseScores { get; }

    public IReadOnlyList<RegressionTree> Trees { get; }

    public float[] RawScores(ReadOnlySpan<float> row)
    {
        var scores = (float[])BaseScores.Clone();
        foreach (var tree in Trees)
        {
            scores[tree.ClassIndex] += tree.Value[tree.LeafFor(row)];
        }

        return scores;
    }

    public float[] Probabilities(ReadOnlySpan<float> row) => Softmax(RawScores(row));

    public int Predict(ReadOnlySpan<float> row) => ArgMax(RawScores(row));

    public static float[] Softmax(float[] scores)
    {
        var max = scores.Max();
        var result = new float[scores.Length];
        var sum = 0f;
        for (var i = 0; i < scores.Length; i++)
        {
            result[i] = MathF.Exp(scores[i] - max);
            sum += result[i];
        }

        for (var i = 0; i < scores.Length; i++)
        {
            result[i] /= sum;
        }

        return result;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
