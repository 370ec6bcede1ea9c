using Assistant.Onnx.Native;

namespace Assistant.Onnx;

/// <summary>
/// The process-wide ONNX Runtime environment. ORT allows one environment per process, and it lives as long
/// as the process: sessions share it.
/// </summary>
public static class OnnxRuntime
{
    // ORT_LOGGING_LEVEL_ERROR: warnings (e.g. about unused initializers) would only clutter the console.
    private const int LogSeverityError = 3;

    private static readonly Lazy<OrtEnvHandle> SharedEnvironment =
        new(() => OrtApi.Instance.CreateEnv(LogSeverityError, "shopfloor-assistant"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded runtime's version, e.g. <c>1.30.0</c>. Loads the library on first use.</summary>
    public static string Version => OrtApi.Instance.Version;

    /// <summary>The function table's version this binding calls.</summary>
    public static uint ApiVersion => OrtApi.ApiVersion;

    internal static OrtEnvHandle Environment => SharedEnvironment.Value;
}

/// <summary>How a session runs. Classifiers are tiny: one thread per session keeps latency low and leaves cores to the LLM.</summary>
public sealed record OnnxSessionOptions
{
    public static readonly OnnxSessionOptions Default = new();

    /// <summary>Threads inside one operator; 1 avoids thread hand-off costs on microsecond models.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>0 disable, 1 basic, 2 extended, 99 all (ORT's GraphOptimizationLevel).</summary>
    public int GraphOptimizationLevel { get; init; } = 99;
}
