namespace Assistant.Tools.Classifiers.Training;

/// <summary>Hyper-parameters of <see cref="GradientBoostingTrainer"/>; the defaults are what the reference classifiers use.</summary>
public sealed record GradientBoostingOptions
{
    public int Rounds { get; init; } = 200;

    public float LearningRate { get; init; } = 0.1f;

    public int MaxDepth { get; init; } = 5;

    /// <summary>Smallest summed hessian (roughly: weighted rows) a leaf may hold.</summary>
    public float MinChildWeight { get; init; } = 1f;

    /// <summary>L2 penalty on leaf values.</summary>
    public float Lambda { get; init; } = 1f;

    /// <summary>Share of rows each round sees (sampled without replacement, seeded).</summary>
    public float Subsample { get; init; } = 0.8f;

    /// <summary>Candidate thresholds per feature (half quantiles, half evenly spaced).</summary>
    public int MaxBins { get; init; } = 512;

    /// <summary>
    /// Rare classes get weight (rows / (classes x class rows))^power: 0 leaves the data as it is, 1 balances fully.
    /// Half-way helps macro-F1 on skewed failure data without flooding the majority class with false alarms.
    /// </summary>
    public float ClassWeightPower { get; init; } = 0.5f;

    public int Seed { get; init; } = 42;

    public override string ToString() =>
        $"rounds {Rounds}, learning rate {LearningRate}, depth {MaxDepth}, min child weight {MinChildWeight}, lambda {Lambda}, " +
        $"subsample {Subsample}, bins {MaxBins}, class weight power {ClassWeightPower}, seed {Seed}";
}

/// <summary>
/// Histogram-based gradient boosting with a softmax loss (second-order, XGBoost-style leaf values and gains).
/// Deterministic for a given seed and data order.
/// </summary>
public sealed class GradientBoostingTrainer(GradientBoostingOptions options)
{
    public GradientBoostingOptions Options { get; } = options;

    public GradientBoostedTrees Train(IReadOnlyList<float[]> rows, IReadOnlyList<int> labels, int classCount, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0 || rows.Count != labels.Count)
        {
            throw new ArgumentException($"Training needs rows and one label per row ({rows.Count} rows, {labels.Count} labels).");
        }

        if (classCount < 2 || labels.Any(l => l < 0 || l >= classCount))
        {
            throw new ArgumentException($"Labels must lie in 0..{classCount - 1}.");
        }

        var n = rows.Count;
        var featureCount = rows[0].Length;
        var (cuts, bins) = Bin(rows, featureCount);

        var classRows = new int[classCount];
        foreach (var label in labels)
        {
            classRows[label]++;
        }

        var classWeight = new float[classCount];
        for (var k = 0; k < classCount; k++)
        {
            classWeight[k] = classRows[k] == 0 ? 0f : MathF.Pow(n / (float)(classCount * classRows[k]), Options.ClassWeightPower);
        }

        var weights = labels.Select(l => classWeight[l]).ToArray();
        var totalWeight = weights.Sum();
        var baseScores = new float[classCount];
        for (var k = 0; k < classCount; k++)
        {
            var share = Math.Max(classRows[k] * classWeight[k] / totalWeight, 1e-6f);
            baseScores[k] = MathF.Log(share);
        }

        var scores = new float[n * classCount];
        for (var i = 0; i < n; i++)
        {
            baseScores.CopyTo(scores, i * classCount);
        }

        var trees = new List<RegressionTree>(Options.Rounds * classCount);
        var random = new Random(Options.Seed);
        var gradients = new float[n];
        var hessians = new float[n];
        var probabilities = new float[classCount];
        var sampleSize = Math.Max(1, (int)(n * Options.Subsample));
        var order = Enumerable.Range(0, n).ToArray();

        for (var round = 0; round < Options.Rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Sample rows for this round (a partial Fisher-Yates shuffle), sorted so histograms read memory in order.
            for (var i = 0; i < sampleSize; i++)
            {
                var j = i + random.Next(n - i);
                (order[i], order[j]) = (order[j], order[i]);
            }

            var sample = order[..sampleSize];
            Array.Sort(sample);

            var perClass = new float[classCount][];
            var hessPerClass = new float[classCount][];
            for (var k = 0; k < classCount; k++)
            {
                perClass[k] = new float[n];
                hessPerClass[k] = new float[n];
            }

            for (var i = 0; i < n; i++)
            {
                var s = scores.AsSpan(i * classCount, classCount);
                var max = float.NegativeInfinity;
                foreach (var v in s)
                {
                    max = Math.Max(max, v);
                }

                var sum = 0f;
                for (var k = 0; k < classCount; k++)
                {
                    probabilities[k] = MathF.Exp(s[k] - max);
                    sum += probabilities[k];
                }

                for (var k = 0; k < classCount; k++)
                {
                    var p = probabilities[k] / sum;
                    perClass[k][i] = (p - (labels[i] == k ? 1f : 0f)) * weights[i];
                    hessPerClass[k][i] = Math.Max(p * (1f - p), 1e-6f) * weights[i];
                }
            }

            for (var k = 0; k < classCount; k++)
            {
                Array.Copy(perClass[k], gradients, n);
                Array.Copy(hessPerClass[k], hessians, n);
                var tree = BuildTree(k, sample, bins, cuts, featureCount, gradients, hessians);
                trees.Add(tree);
                for (var i = 0; i < n; i++)
                {
                    scores[i * classCount + k] += tree.Value[tree.LeafFor(rows[i])];
                }
            }
        }

        return new GradientBoostedTrees(featureCount, baseScores, trees);
    }

    /// <summary>
    /// Candidate cut values per feature and each row's bin. Cuts are actual data values, so thresholds are exact in
    /// float. Half are quantiles, half evenly spaced over the range: failure limits often sit in the sparse tails,
    /// where quantiles alone are too coarse.
    /// </summary>
    private (float[][] Cuts, ushort[][] Bins) Bin(IReadOnlyList<float[]> rows, int featureCount)
    {
        var maxBins = Math.Clamp(Options.MaxBins, 2, 4096);
        var cuts = new float[featureCount][];
        var bins = new ushort[featureCount][];
        for (var f = 0; f < featureCount; f++)
        {
            var values = rows.Select(r => r[f]).ToArray();
            var distinct = values.Distinct().Order().ToArray();
            float[] featureCuts;
            if (distinct.Length <= maxBins)
            {
                featureCuts = distinct[..^1];
            }
            else
            {
                var sorted = values.Order().ToArray();
                var half = maxBins / 2;
                var quantiles = Enumerable.Range(1, half - 1).Select(q => sorted[(int)((long)q * (sorted.Length - 1) / half)]);
                var (lo, hi) = (distinct[0], distinct[^1]);
                var even = Enumerable.Range(1, half - 1).Select(q =>
                {
                    var edge = lo + (hi - lo) * q / half;
                    var index = Array.BinarySearch(distinct, edge);
                    return distinct[index >= 0 ? index : Math.Max(0, ~index - 1)];
                });
                featureCuts = quantiles.Concat(even).Where(c => c < hi).Distinct().Order().ToArray();
            }

            cuts[f] = featureCuts;
            var featureBins = new ushort[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                // Bin b holds values in (cut[b-1], cut[b]]: "bin <= b" is exactly "x <= cut[b]".
                var index = Array.BinarySearch(featureCuts, values[i]);
                featureBins[i] = (ushort)(index >= 0 ? index : ~index);
            }

            bins[f] = featureBins;
        }

        return (cuts, bins);
    }

    private RegressionTree BuildTree(int classIndex, int[] sample, ushort[][] bins, float[][] cuts, int featureCount, float[] g, float[] h)
    {
        var feature = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var value = new List<float>();

        int NewNode()
        {
            feature.Add(-1);
            threshold.Add(0f);
            left.Add(0);
            right.Add(0);
            value.Add(0f);
            return feature.Count - 1;
        }

        var gradSum = new double[Math.Clamp(Options.MaxBins, 2, 4096) + 1];
        var hessSum = new double[gradSum.Length];

        void Grow(int node, int[] members, int depth)
        {
            double g0 = 0, h0 = 0;
            foreach (var i in members)
            {
                g0 += g[i];
                h0 += h[i];
            }

            value[node] = (float)(-g0 / (h0 + Options.Lambda) * Options.LearningRate);
            if (depth >= Options.MaxDepth || h0 < 2 * Options.MinChildWeight)
            {
                return;
            }

            var parentScore = g0 * g0 / (h0 + Options.Lambda);
            var bestGain = 1e-9;
            var bestFeature = -1;
            var bestBin = -1;
            for (var f = 0; f < featureCount; f++)
            {
                var featureCuts = cuts[f];
                if (featureCuts.Length == 0)
                {
                    continue;
                }

                var binCount = featureCuts.Length + 1;
                Array.Clear(gradSum, 0, binCount);
                Array.Clear(hessSum, 0, binCount);
                var featureBins = bins[f];
                foreach (var i in members)
                {
                    gradSum[featureBins[i]] += g[i];
                    hessSum[featureBins[i]] += h[i];
                }

                double gl = 0, hl = 0;
                for (var b = 0; b < featureCuts.Length; b++)
                {
                    gl += gradSum[b];
                    hl += hessSum[b];
                    var hr = h0 - hl;
                    if (hl < Options.MinChildWeight || hr < Options.MinChildWeight)
                    {
                        continue;
                    }

                    var gr = g0 - gl;
                    var gain = gl * gl / (hl + Options.Lambda) + gr * gr / (hr + Options.Lambda) - parentScore;
                    if (gain > bestGain)
                    {
                        bestGain = gain;
                        bestFeature = f;
                        bestBin = b;
                    }
                }
            }

            if (bestFeature < 0)
            {
                return;
            }

            var chosenBins = bins[bestFeature];
            var leftMembers = members.Where(i => chosenBins[i] <= bestBin).ToArray();
            var rightMembers = members.Where(i => chosenBins[i] > bestBin).ToArray();
            var l = NewNode();
            var r = NewNode();
            feature[node] = bestFeature;
            threshold[node] = cuts[bestFeature][bestBin];
            left[node] = l;
            right[node] = r;
            Grow(l, leftMembers, depth + 1);
            Grow(r, rightMembers, depth + 1);
        }

        Grow(NewNode(), sample, 0);
        return new RegressionTree(classIndex, [.. feature], [.. threshold], [.. left], [.. right], [.. value]);
    }
}
