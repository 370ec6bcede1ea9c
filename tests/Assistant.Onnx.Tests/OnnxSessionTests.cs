namespace Assistant.Onnx.Tests;

public sealed class OnnxSessionTests
{
    [Fact]
    public void Loads_onnx_runtime_1_30_through_api_version_30()
    {
        Assert.StartsWith("1.30.", OnnxRuntime.Version, StringComparison.Ordinal);
        Assert.Equal(30u, OnnxRuntime.ApiVersion);
    }

    [Fact]
    public void Reads_inputs_and_outputs_by_name_type_and_shape()
    {
        using var session = OnnxSession.FromBytes(TestModels.TreeEnsemble());

        var input = Assert.Single(session.Inputs);
        Assert.Equal("features", input.Name);
        Assert.Equal(OnnxElementType.Float, input.ElementType);
        Assert.Equal([-1L, 2L], input.Shape);
        Assert.Equal(["label", "probabilities"], session.Outputs.Select(o => o.Name));
        Assert.Equal(OnnxElementType.Int64, session.FindOutput("label")!.ElementType);
        Assert.Equal([-1L, 3L], session.FindOutput("probabilities")!.Shape);
    }

    [Fact]
    public void Mlp_matches_hand_computed_probabilities_for_a_batch()
    {
        using var session = OnnxSession.FromBytes(TestModels.Mlp());
        float[][] rows = [[1f, 2f, 3f], [-1f, 0.5f, 0f], [0f, 0f, 0f]];

        var result = session.Run(OnnxTensor.FromRows(rows));

        var probabilities = result["probabilities"];
        Assert.Equal([3L, 2L], probabilities.Shape);
        for (var r = 0; r < rows.Length; r++)
        {
            var expected = HandMlp(rows[r]);
            var actual = probabilities.FloatRow(r);
            Assert.Equal(expected[0], actual[0], 5);
            Assert.Equal(expected[1], actual[1], 5);
        }

        Assert.Equal("binding test", session.GetMetadata("purpose"));
        Assert.Null(session.GetMetadata("absent"));
    }

    [Fact]
    public void Tree_ensemble_matches_hand_computed_scores_and_labels()
    {
        using var session = OnnxSession.FromBytes(TestModels.TreeEnsemble());
        // Worked out from the trees in TestModels.TreeEnsemble:
        // (1, -1): t0 leaf1 (1, .5, 0) + t1 leaf1 (0, 1.5, 0) + base -> (1.1, 2.2, 0.3) -> label 20
        // (1.5, 0): t0 leaf1 (1, .5, 0) + t1 leaf3 (.25, 0, 0) + base -> (1.35, 0.7, 0.3) -> label 10
        // (2, 0): t0 leaf2 (0, 0, 2) + t1 leaf3 (.25, 0, 0) + base -> (0.35, 0.2, 2.3) -> label 30
        // (4, 0): t0 leaf2 (0, 0, 2) + t1 leaf4 (0, .75, -1) + base -> (0.1, 0.95, 1.3) -> label 30
        float[][] rows = [[1f, -1f], [1.5f, 0f], [2f, 0f], [4f, 0f]];
        float[][] expectedScores = [[1.1f, 2.2f, 0.3f], [1.35f, 0.7f, 0.3f], [0.35f, 0.2f, 2.3f], [0.1f, 0.95f, 1.3f]];
        long[] expectedLabels = [20, 10, 30, 30];

        var result = session.Run(OnnxTensor.FromRows(rows));

        Assert.Equal(expectedLabels, result["label"].AsInt64().ToArray());
        for (var r = 0; r < rows.Length; r++)
        {
            var actual = result["probabilities"].FloatRow(r);
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expectedScores[r][c], actual[c], 5);
            }
        }
    }

    [Fact]
    public void Int64_tensors_go_in_and_come_out()
    {
        using var session = OnnxSession.FromBytes(TestModels.Int64Affine());

        var result = session.Run(OnnxTensor.FromInt64([0, 1, -2, 1_000_000_000_000], 2, 2));

        Assert.Equal([7L, 10L, 1L, 3_000_000_000_007L], result["scaled"].AsInt64().ToArray());
    }

    [Fact]
    public void Batch_of_1024_rows_gives_the_same_answers_as_one_row_at_a_time()
    {
        using var session = OnnxSession.FromBytes(TestModels.Mlp());
        var random = new Random(7);
        var rows = Enumerable.Range(0, 1024).Select(_ => new[] { random.NextSingle() * 4 - 2, random.NextSingle() * 4 - 2, random.NextSingle() * 4 - 2 }).ToArray();

        var batch = session.Run(OnnxTensor.FromRows(rows))["probabilities"];

        for (var r = 0; r < rows.Length; r += 97)
        {
            var single = session.Run(OnnxTensor.FromRows([rows[r]]))["probabilities"];
            Assert.Equal(single.FloatRow(0).ToArray(), batch.FloatRow(r).ToArray());
        }
    }

    [Fact]
    public void Loads_a_model_from_a_file_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"onnx-test-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, TestModels.TreeEnsemble());
        try
        {
            using var session = OnnxSession.Load(path);
            Assert.Equal(path, session.Source);
            Assert.Equal([30L], session.Run(OnnxTensor.FromFloats([4f, 0f], 1, 2))["label"].AsInt64().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double[] HandMlp(float[] x)
    {
        var h = new double[4];
        for (var j = 0; j < 4; j++)
        {
            double sum = TestModels.B1[j];
            for (var i = 0; i < 3; i++)
            {
                sum += x[i] * TestModels.W1[i * 4 + j];
            }

            h[j] = Math.Max(0, sum);
        }

        var z = new double[2];
        for (var k = 0; k < 2; k++)
        {
            double sum = TestModels.B2[k];
            for (var j = 0; j < 4; j++)
            {
                sum += h[j] * TestModels.W2[j * 2 + k];
            }

            z[k] = sum;
        }

        var max = Math.Max(z[0], z[1]);
        var e0 = Math.Exp(z[0] - max);
        var e1 = Math.Exp(z[1] - max);
        return [e0 / (e0 + e1), e1 / (e0 + e1)];
    }
}
