using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Assistant.Onnx.Tests;

/// <summary>The one session factory every ONNX consumer uses: the NuGet runtime, CPU by default, CUDA only where it loads.</summary>
public sealed class SessionFactoryTests
{
    // A real model of the product: the committed milling classifier.
    private static readonly string Model = FindModel("milling-failure.onnx");

    [Fact]
    public void The_runtime_is_onnx_runtime_1_32_from_nuget_built_for_the_cpu()
    {
        Assert.StartsWith("1.32.", OnnxSessionFactory.RuntimeVersion, StringComparison.Ordinal);
        Assert.False(OnnxSessionFactory.BuildHasCuda, "the tests run on the CPU build (without -p:OnnxGpu=true)");
    }

    [Fact]
    public void Asking_for_cuda_on_a_build_without_it_runs_on_the_cpu_and_says_why_once()
    {
        var log = new RecordingLogger();
        var factory = new OnnxSessionFactory(Options.Create(new OnnxOptions { Gpu = OnnxGpuMode.Cuda }), log);

        using var first = factory.Open(Model);
        using var second = factory.Open(Model);

        Assert.Equal("CPU", factory.Device);
        var line = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("Onnx:Gpu is cuda", line.Message, StringComparison.Ordinal);
        Assert.Contains("no CUDA provider", line.Message, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxGpu=true", line.Message, StringComparison.Ordinal);
        var probabilities = Run(first, [1f, 298.1f, 308.6f, 1551f, 42.8f, 108f]);
        Assert.Equal(6, probabilities.Length);
        Assert.Equal(1.0, probabilities.Sum(), 4);
    }

    [Fact]
    public void Gpu_setting_is_bound_from_configuration_and_cpu_asks_nothing_of_cuda()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Onnx:Gpu"] = "cpu" }).Build();
        using var services = new ServiceCollection().AddLogging().AddOnnxRuntime(configuration).BuildServiceProvider();

        var factory = services.GetRequiredService<OnnxSessionFactory>();
        using var session = factory.Open(Model);

        Assert.Equal(OnnxGpuMode.Cpu, services.GetRequiredService<IOptions<OnnxOptions>>().Value.Gpu);
        Assert.Null(factory.Device);
        Assert.Single(session.InputMetadata);
    }

    [Fact]
    public void A_model_that_may_not_use_the_gpu_stays_on_the_cpu_without_a_word()
    {
        var log = new RecordingLogger();
        var factory = new OnnxSessionFactory(Options.Create(new OnnxOptions { Gpu = OnnxGpuMode.Cuda }), log);

        using var session = factory.Open(Model, new OnnxSessionSettings { MayUseGpu = false });

        Assert.Null(factory.Device);
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void Missing_file_and_corrupt_file_say_which_file()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => OnnxSessionFactory.Default.Open("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", missing.Message, StringComparison.Ordinal);

        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, File.ReadAllBytes(Model).Take(200).ToArray());
        try
        {
            var corrupt = Assert.Throws<OnnxRuntimeException>(() => OnnxSessionFactory.Default.Open(path));
            Assert.Contains(path, corrupt.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Throws<ArgumentException>(() => OnnxSessionFactory.Default.Open(File.ReadAllBytes(Model), new OnnxSessionSettings { IntraOpThreads = -1 }));
    }

    private static float[] Run(InferenceSession session, float[] row)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(row, [1, row.Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["readings"], [input], ["failure_type_probabilities"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static string FindModel(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "classifiers", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"No models/classifiers/{file} above {AppContext.BaseDirectory}.");
    }

    private sealed class RecordingLogger : ILogger<OnnxSessionFactory>
    {
        public List<(LogLevel Level, string Message)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }
}
