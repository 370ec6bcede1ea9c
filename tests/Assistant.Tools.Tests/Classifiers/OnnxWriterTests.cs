using Assistant.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Assistant.Tools.Tests.Classifiers;

/// <summary>Files the training's ONNX writer produces, run by the real ONNX Runtime, give hand-computed answers.</summary>
public sealed class OnnxWriterTests
{
    [Fact]
    public void Tree_ensemble_declares_its_inputs_and_outputs_by_name_type_and_shape()
    {
        using var session = OnnxSessionFactory.Default.Open(WrittenTestModels.TreeEnsemble());

        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("features", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 2], input.Value.Dimensions);
        Assert.Equal(["label", "probabilities"], session.OutputMetadata.Keys.Order());
        Assert.Equal(typeof(long), session.OutputMetadata["label"].ElementType);
        Assert.Equal([-1, 3], session.OutputMetadata["probabilities"].Dimensions);
    }

    [Fact]
    public void Mlp_matches_hand_computed_probabilities_and_carries_its_metadata()
    {
        using var session = OnnxSessionFactory.Default.Open(WrittenTestModels.Mlp());
        float[][] rows = [[1f, 2f, 3f], [-1f, 0.5f, 0f], [0f, 0f, 0f]];

        var probabilities = Run(session, rows, "probabilities");

        for (var r = 0; r < rows.Length; r++)
        {
            var expected = HandMlp(rows[r]);
            Assert.Equal(expected[0], probabilities[r * 2], 5);
            Assert.Equal(expected[1], probabilities[r * 2 + 1], 5);
        }

        Assert.Equal("writer test", session.ModelMetadata.CustomMetadataMap["purpose"]);
    }

    [Fact]
    public void Tree_ensemble_matches_hand_computed_scores_and_labels()
    {
        using var session = OnnxSessionFactory.Default.Open(WrittenTestModels.TreeEnsemble());
        // Worked out from the trees in WrittenTestModels.TreeEnsemble:
        // (1, -1): t0 leaf1 (1, .5, 0) + t1 leaf1 (0, 1.5, 0) + base -> (1.1, 2.2, 0.3) -> label 20
        // (1.5, 0): t0 leaf1 (1, .5, 0) + t1 leaf3 (.25, 0, 0) + base -> (1.35, 0.7, 0.3) -> label 10
        // (2, 0): t0 leaf2 (0, 0, 2) + t1 leaf3 (.25, 0, 0) + base -> (0.35, 0.2, 2.3) -> label 30
        // (4, 0): t0 leaf2 (0, 0, 2) + t1 leaf4 (0, .75, -1) + base -> (0.1, 0.95, 1.3) -> label 30
        float[][] rows = [[1f, -1f], [1.5f, 0f], [2f, 0f], [4f, 0f]];
        float[] expectedScores = [1.1f, 2.2f, 0.3f, 1.35f, 0.7f, 0.3f, 0.35f, 0.2f, 2.3f, 0.1f, 0.95f, 1.3f];

        using var input = Input(rows);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["features"], [input], ["label", "probabilities"]);

        Assert.Equal([20L, 10L, 30L, 30L], outputs[0].GetTensorDataAsSpan<long>().ToArray());
        var scores = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expectedScores.Length, scores.Length);
        Assert.All(expectedScores.Zip(scores), p => Assert.Equal(p.First, p.Second, 5));
    }

    [Fact]
    public void Int64_initializers_and_tensors_round_trip()
    {
        using var session = OnnxSessionFactory.Default.Open(WrittenTestModels.Int64Affine());
        using var input = OrtValue.CreateTensorValueFromMemory(new long[] { 0, 1, -2, 1_000_000_000_000 }, [2, 2]);
        using var runOptions = new RunOptions();

        using var outputs = session.Run(runOptions, ["counts"], [input], ["scaled"]);

        Assert.Equal([7L, 10L, 1L, 3_000_000_000_007L], outputs[0].GetTensorDataAsSpan<long>().ToArray());
    }

    [Fact]
    public void A_half_written_file_is_refused_with_orts_protobuf_message_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        var bytes = WrittenTestModels.Mlp();
        File.WriteAllBytes(path, bytes.Take(bytes.Length / 2).Concat(new byte[] { 0xFF, 0xFF, 0xFF }).ToArray());
        try
        {
            var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSessionFactory.Default.Open(path));

            Assert.Contains("Protobuf parsing failed", error.Message, StringComparison.Ordinal);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        // The runtime is still usable afterwards.
        using var session = OnnxSessionFactory.Default.Open(WrittenTestModels.TreeEnsemble());
        Assert.Equal(2, session.OutputMetadata.Count);
    }

    private static float[] Run(InferenceSession session, float[][] rows, string output)
    {
        using var input = Input(rows);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [input], [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static OrtValue Input(float[][] rows) =>
        OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static double[] HandMlp(float[] x)
    {
        var h = new double[4];
        for (var j = 0; j < 4; j++)
        {
            double sum = WrittenTestModels.B1[j];
            for (var i = 0; i < 3; i++)
            {
                sum += x[i] * WrittenTestModels.W1[i * 4 + j];
            }

            h[j] = Math.Max(0, sum);
        }

        var z = new double[2];
        for (var k = 0; k < 2; k++)
        {
            double sum = WrittenTestModels.B2[k];
            for (var j = 0; j < 4; j++)
            {
                sum += h[j] * WrittenTestModels.W2[j * 2 + k];
            }

            z[k] = sum;
        }

        var max = Math.Max(z[0], z[1]);
        var e0 = Math.Exp(z[0] - max);
        var e1 = Math.Exp(z[1] - max);
        return [e0 / (e0 + e1), e1 / (e0 + e1)];
    }
}
