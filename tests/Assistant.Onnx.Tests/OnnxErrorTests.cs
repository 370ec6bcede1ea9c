namespace Assistant.Onnx.Tests;

/// <summary>Every failure comes back as an exception with ORT's or our message, and the process carries on.</summary>
public sealed class OnnxErrorTests
{
    [Fact]
    public void Corrupt_file_is_reported_with_orts_protobuf_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        var bytes = TestModels.Mlp();
        File.WriteAllBytes(path, bytes.Take(bytes.Length / 2).Concat(new byte[] { 0xFF, 0xFF, 0xFF }).ToArray());
        try
        {
            var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Load(path));

            Assert.Equal(OrtErrorCode.InvalidProtobuf, error.Code);
            Assert.Contains("Protobuf parsing failed", error.Message, StringComparison.Ordinal);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        // The runtime is still usable afterwards.
        using var session = OnnxSession.FromBytes(TestModels.TreeEnsemble());
        Assert.Equal(2, session.Outputs.Count);
    }

    [Fact]
    public void Missing_file_says_which_file()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OnnxSession.Load("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_width_is_refused_before_the_runtime_with_the_expected_shape()
    {
        using var session = OnnxSession.FromBytes(TestModels.Mlp());

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(OnnxTensor.FromFloats(new float[10], 2, 5)));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.Code);
        Assert.Contains("needs size 3 in dimension 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_rank_type_and_names_are_each_listed()
    {
        using var session = OnnxSession.FromBytes(TestModels.Mlp());

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new Dictionary<string, OnnxTensor>
        {
            ["feature"] = OnnxTensor.FromFloats(new float[3], 3),
        }));

        Assert.Contains("'feature' is not an input", error.Message, StringComparison.Ordinal);
        Assert.Contains("input 'features'", error.Message, StringComparison.Ordinal);
        Assert.Contains("is missing", error.Message, StringComparison.Ordinal);

        var typeError = Assert.Throws<OnnxRuntimeException>(() => session.Run(OnnxTensor.FromInt64(new long[3], 1, 3)));
        Assert.Contains("takes Float values, not Int64", typeError.Message, StringComparison.Ordinal);

        var rankError = Assert.Throws<OnnxRuntimeException>(() => session.Run(OnnxTensor.FromFloats(new float[3], 3)));
        Assert.Contains("2-D tensor", rankError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_error_inside_the_graph_comes_back_as_orts_message()
    {
        using var session = OnnxSession.FromBytes(TestModels.FreeWidthMatMul());
        Assert.Equal(2, session.Run(OnnxTensor.FromFloats([1f, 2f, 3f], 1, 3))["y"].Length);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(OnnxTensor.FromFloats(new float[4], 1, 4)));

        Assert.StartsWith("Running the model failed:", error.Message, StringComparison.Ordinal);
        Assert.Contains("MatMul", error.Message, StringComparison.Ordinal);
        // The session still runs afterwards.
        Assert.Equal([4f, 5f], session.Run(OnnxTensor.FromFloats([1f, 2f, 3f], 1, 3))["y"].AsFloats().ToArray()[..2]);
    }

    [Fact]
    public void Unknown_output_name_lists_the_outputs_there_are()
    {
        using var session = OnnxSession.FromBytes(TestModels.TreeEnsemble());

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(OnnxTensor.FromFloats([1f, 1f], 1, 2), ["output_probability"]));

        Assert.Contains("probabilities: Float[?, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_bytes_in_memory_are_an_exception_not_a_crash()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(new byte[] { 1, 2, 3, 4, 5 }));
        Assert.Contains("Loading the model from memory failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposed_session_refuses_to_run()
    {
        var session = OnnxSession.FromBytes(TestModels.Mlp());
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(OnnxTensor.FromFloats(new float[3], 1, 3)));
    }
}
