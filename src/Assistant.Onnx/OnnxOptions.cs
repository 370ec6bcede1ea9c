namespace Assistant.Onnx;

public enum OnnxGpuMode
{
    /// <summary>CUDA when this build has the CUDA provider and it loads, else the CPU; the log says which and why.</summary>
    Auto,

    /// <summary>Ask for CUDA; when its provider cannot load, the CPU still runs the models and the log says why.</summary>
    Cuda,

    Cpu,
}

/// <summary>The <c>Onnx</c> section of appsettings.json: how every ONNX model of the assistant runs.</summary>
public sealed class OnnxOptions
{
    public const string SectionName = "Onnx";

    public OnnxGpuMode Gpu { get; set; } = OnnxGpuMode.Auto;

    /// <summary>The CUDA device to run on.</summary>
    public int DeviceId { get; set; }
}

/// <summary>How one consumer wants its sessions: tiny tree models keep to the CPU, big ones may use the GPU.</summary>
public sealed record OnnxSessionSettings
{
    public static readonly OnnxSessionSettings Default = new();

    /// <summary>Threads inside one operator; 1 avoids hand-off costs on microsecond models and leaves cores to the LLM.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>
    /// False keeps this model on the CPU whatever <see cref="OnnxOptions.Gpu"/> says: a model that runs in microseconds
    /// loses more to the copies to and from the GPU than it could gain there.
    /// </summary>
    public bool MayUseGpu { get; init; } = true;
}
