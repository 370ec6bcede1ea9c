using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Assistant.Onnx;

/// <summary>
/// Opens ONNX Runtime sessions for every ONNX consumer the same way: the threads the consumer asks for, full graph
/// optimisation, and CUDA where <see cref="OnnxOptions.Gpu"/> and the build allow it, else the CPU. When CUDA was
/// wanted but its provider cannot load, the models still run on the CPU and the log says why, once.
/// </summary>
public sealed class OnnxSessionFactory
{
    public const string CudaProvider = "CUDAExecutionProvider";

    private readonly OnnxOptions _options;
    private readonly ILogger _logger;
    private int _deviceReported;

    public OnnxSessionFactory(IOptions<OnnxOptions> options, ILogger<OnnxSessionFactory>? logger = null)
    {
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>A factory with the default settings (CPU unless this is a CUDA build), for tools and tests without a host.</summary>
    public static OnnxSessionFactory Default { get; } = new(Options.Create(new OnnxOptions()));

    /// <summary>The loaded runtime's version, e.g. <c>1.32.0</c>.</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>True when this build carries the CUDA provider (built with <c>-p:OnnxGpu=true</c>).</summary>
    public static bool BuildHasCuda => OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider, StringComparer.Ordinal);

    /// <summary>Where the last session that could use the GPU runs: "CUDA" or "CPU" (null before the first).</summary>
    public string? Device { get; private set; }

    /// <summary>Opens a model file. A missing file is a <see cref="FileNotFoundException"/>; a corrupt one ORT's own message.</summary>
    public InferenceSession Open(string path, OnnxSessionSettings? settings = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        }

        var full = Path.GetFullPath(path);
        return Open(settings, options => new InferenceSession(full, options));
    }

    /// <summary>Opens a model held in memory (e.g. one just trained, to check it).</summary>
    public InferenceSession Open(byte[] model, OnnxSessionSettings? settings = null)
    {
        if (model is null || model.Length == 0)
        {
            throw new ArgumentException("The model is empty.", nameof(model));
        }

        return Open(settings, options => new InferenceSession(model, options));
    }

    private InferenceSession Open(OnnxSessionSettings? settings, Func<SessionOptions, InferenceSession> create)
    {
        settings ??= OnnxSessionSettings.Default;
        if (settings.IntraOpThreads < 0)
        {
            throw new ArgumentException($"IntraOpThreads must be 0 (ONNX Runtime decides) or more, not {settings.IntraOpThreads}.", nameof(settings));
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Warnings about unused initializers and the like would only clutter the console.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        if (settings.MayUseGpu && _options.Gpu != OnnxGpuMode.Cpu)
        {
            var onGpu = TryAddCuda(options, out var why);
            Device = onGpu ? "CUDA" : "CPU";
            Report(onGpu, why);
        }

        return create(options);
    }

    private bool TryAddCuda(SessionOptions options, out string why)
    {
        if (!BuildHasCuda)
        {
            why = "this build of ONNX Runtime has no CUDA provider (build with -p:OnnxGpu=true for the CUDA build)";
            return false;
        }

        try
        {
            options.AppendExecutionProvider_CUDA(_options.DeviceId);
            why = $"CUDA device {_options.DeviceId}";
            return true;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            // Typically libcudart/libcublas/libcudnn missing or no driver: the provider library does not load.
            why = $"the CUDA provider did not load ({ex.Message.Trim()})";
            return false;
        }
    }

    private void Report(bool onGpu, string why)
    {
        if (Interlocked.Exchange(ref _deviceReported, 1) != 0)
        {
            return;
        }

        if (onGpu)
        {
            _logger.LogInformation("ONNX Runtime {Version} runs on {Device} (Onnx:Gpu is {Mode}).", RuntimeVersion, why, _options.Gpu);
        }
        else if (_options.Gpu == OnnxGpuMode.Cuda)
        {
            _logger.LogWarning("Onnx:Gpu is cuda, but ONNX Runtime {Version} runs on the CPU: {Reason}.", RuntimeVersion, why);
        }
        else
        {
            _logger.LogInformation("ONNX Runtime {Version} runs on the CPU: {Reason}.", RuntimeVersion, why);
        }
    }
}
