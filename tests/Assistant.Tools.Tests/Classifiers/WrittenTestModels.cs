using Assistant.Tools.Classifiers.Training.OnnxWriting;

namespace Assistant.Tools.Tests.Classifiers;

/// <summary>Small models the tests write themselves, with weights simple enough to check by hand.</summary>
internal static class WrittenTestModels
{
    // 3 inputs -> 4 hidden (ReLU) -> 2 outputs (softmax)
    public static readonly float[] W1 =
    [
        1f, -1f, 0.5f, 0f,
        0f, 2f, -0.5f, 1f,
        -1f, 0f, 1f, 0.25f,
    ];

    public static readonly float[] B1 = [0.1f, -0.2f, 0f, 0.5f];

    public static readonly float[] W2 =
    [
        1f, -1f,
        0.5f, 0.5f,
        -1f, 2f,
        0f, 1f,
    ];

    public static readonly float[] B2 = [0f, 0.25f];

    public static byte[] Mlp() =>
        new OnnxModelBuilder("mlp")
            .Opset("", 17)
            .Input("features", OnnxDataType.Float, -1, 3)
            .Output("probabilities", OnnxDataType.Float, -1, 2)
            .Initializer("W1", W1, 3, 4)
            .Initializer("B1", B1, 4)
            .Initializer("W2", W2, 4, 2)
            .Initializer("B2", B2, 2)
            .Node("MatMul", ["features", "W1"], ["h0"])
            .Node("Add", ["h0", "B1"], ["h1"])
            .Node("Relu", ["h1"], ["h2"])
            .Node("MatMul", ["h2", "W2"], ["z0"])
            .Node("Add", ["z0", "B2"], ["logits"])
            .Node("Softmax", ["logits"], ["probabilities"], attributes: OnnxAttribute.Of("axis", 1L))
            .Metadata("purpose", "writer test")
            .ToBytes();

    /// <summary>
    /// Two trees over 2 features, 3 classes, scores without transform.
    /// Tree 0: x0 &lt;= 1.5 ? leaf1 (class0 +1.0, class1 +0.5) : leaf2 (class2 +2.0).
    /// Tree 1: x1 &lt;= -0.5 ? leaf1 (class1 +1.5) : (x0 &lt;= 3 ? leaf3 (class0 +0.25) : leaf4 (class2 -1.0, class1 +0.75)).
    /// Base values (0.1, 0.2, 0.3).
    /// </summary>
    public static byte[] TreeEnsemble()
    {
        var spec = new TreeEnsembleClassifierSpec(
            ClassLabels: [10, 20, 30],
            Nodes:
            [
                TreeNodeSpec.Branch(0, 0, 0, 1.5f, 1, 2),
                TreeNodeSpec.Leaf(0, 1),
                TreeNodeSpec.Leaf(0, 2),
                TreeNodeSpec.Branch(1, 0, 1, -0.5f, 1, 2),
                TreeNodeSpec.Leaf(1, 1),
                TreeNodeSpec.Branch(1, 2, 0, 3f, 3, 4),
                TreeNodeSpec.Leaf(1, 3),
                TreeNodeSpec.Leaf(1, 4),
            ],
            Weights:
            [
                new TreeLeafWeight(0, 1, 0, 1.0f),
                new TreeLeafWeight(0, 1, 1, 0.5f),
                new TreeLeafWeight(0, 2, 2, 2.0f),
                new TreeLeafWeight(1, 1, 1, 1.5f),
                new TreeLeafWeight(1, 3, 0, 0.25f),
                new TreeLeafWeight(1, 4, 2, -1.0f),
                new TreeLeafWeight(1, 4, 1, 0.75f),
            ],
            BaseValues: [0.1f, 0.2f, 0.3f]);
        return new OnnxModelBuilder("trees")
            .Opset("", 17)
            .Opset(TreeEnsembleClassifierExtensions.MlDomain, 3)
            .Input("features", OnnxDataType.Float, -1, 2)
            .Output("label", OnnxDataType.Int64, -1)
            .Output("probabilities", OnnxDataType.Float, -1, 3)
            .TreeEnsembleClassifier("features", "label", "probabilities", spec)
            .ToBytes();
    }

    /// <summary>y = x * 3 + 7 on int64 values, any shape [N, 2].</summary>
    public static byte[] Int64Affine() =>
        new OnnxModelBuilder("int64")
            .Opset("", 17)
            .Input("counts", OnnxDataType.Int64, -1, 2)
            .Output("scaled", OnnxDataType.Int64, -1, 2)
            .Initializer("three", [3L], 1)
            .Initializer("seven", [7L], 1)
            .Node("Mul", ["counts", "three"], ["m"])
            .Node("Add", ["m", "seven"], ["scaled"])
            .ToBytes();
}
