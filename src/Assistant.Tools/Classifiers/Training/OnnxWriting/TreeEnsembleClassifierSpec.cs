namespace Assistant.Tools.Classifiers.Training.OnnxWriting;

/// <summary>One node of one tree. A branch sends a row to <see cref="TrueNodeId"/> when feature &lt;= threshold.</summary>
public sealed record TreeNodeSpec(int TreeId, int NodeId, int FeatureId, float Threshold, int TrueNodeId, int FalseNodeId, bool IsLeaf)
{
    public static TreeNodeSpec Leaf(int treeId, int nodeId) => new(treeId, nodeId, 0, 0f, 0, 0, true);

    public static TreeNodeSpec Branch(int treeId, int nodeId, int featureId, float threshold, int trueNodeId, int falseNodeId) =>
        new(treeId, nodeId, featureId, threshold, trueNodeId, falseNodeId, false);
}

/// <summary>What a leaf adds to the score of class index <see cref="ClassIndex"/>.</summary>
public sealed record TreeLeafWeight(int TreeId, int NodeId, int ClassIndex, float Weight);

/// <summary>
/// The attributes of an <c>ai.onnx.ml</c> TreeEnsembleClassifier: scores are the base values plus the summed leaf
/// weights, then <see cref="PostTransform"/> (NONE, SOFTMAX, LOGISTIC...). Output <c>label</c> is the class label of the
/// highest score; <c>probabilities</c> the transformed scores. Use three or more classes: ORT treats two specially.
/// </summary>
public sealed record TreeEnsembleClassifierSpec(
    IReadOnlyList<long> ClassLabels,
    IReadOnlyList<TreeNodeSpec> Nodes,
    IReadOnlyList<TreeLeafWeight> Weights,
    IReadOnlyList<float>? BaseValues = null,
    string PostTransform = "NONE");

public static class TreeEnsembleClassifierExtensions
{
    public const string MlDomain = "ai.onnx.ml";

    /// <summary>Adds a TreeEnsembleClassifier node (opset 3 of ai.onnx.ml; declare it) reading float[N, F] from <paramref name="input"/>.</summary>
    public static OnnxModelBuilder TreeEnsembleClassifier(
        this OnnxModelBuilder builder, string input, string labelOutput, string probabilitiesOutput, TreeEnsembleClassifierSpec spec, string? name = null)
    {
        if (spec.BaseValues is not null && spec.BaseValues.Count != spec.ClassLabels.Count)
        {
            throw new ArgumentException($"{spec.BaseValues.Count} base values for {spec.ClassLabels.Count} classes.", nameof(spec));
        }

        if (spec.Weights.Any(w => w.ClassIndex < 0 || w.ClassIndex >= spec.ClassLabels.Count))
        {
            throw new ArgumentException($"A leaf weight names a class index outside 0..{spec.ClassLabels.Count - 1}.", nameof(spec));
        }

        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Of("classlabels_int64s", spec.ClassLabels),
            OnnxAttribute.Of("nodes_treeids", spec.Nodes.Select(n => (long)n.TreeId).ToArray()),
            OnnxAttribute.Of("nodes_nodeids", spec.Nodes.Select(n => (long)n.NodeId).ToArray()),
            OnnxAttribute.Of("nodes_featureids", spec.Nodes.Select(n => (long)n.FeatureId).ToArray()),
            OnnxAttribute.Of("nodes_modes", spec.Nodes.Select(n => n.IsLeaf ? "LEAF" : "BRANCH_LEQ").ToArray()),
            OnnxAttribute.Of("nodes_values", spec.Nodes.Select(n => n.Threshold).ToArray()),
            OnnxAttribute.Of("nodes_truenodeids", spec.Nodes.Select(n => (long)n.TrueNodeId).ToArray()),
            OnnxAttribute.Of("nodes_falsenodeids", spec.Nodes.Select(n => (long)n.FalseNodeId).ToArray()),
            OnnxAttribute.Of("class_treeids", spec.Weights.Select(w => (long)w.TreeId).ToArray()),
            OnnxAttribute.Of("class_nodeids", spec.Weights.Select(w => (long)w.NodeId).ToArray()),
            OnnxAttribute.Of("class_ids", spec.Weights.Select(w => (long)w.ClassIndex).ToArray()),
            OnnxAttribute.Of("class_weights", spec.Weights.Select(w => w.Weight).ToArray()),
            OnnxAttribute.Of("post_transform", spec.PostTransform),
        };
        if (spec.BaseValues is not null)
        {
            attributes.Add(OnnxAttribute.Of("base_values", spec.BaseValues));
        }

        return builder.Node("TreeEnsembleClassifier", [input], [labelOutput, probabilitiesOutput], MlDomain, name, [.. attributes]);
    }
}
