using System.Runtime.InteropServices;

namespace Assistant.Llama.Native;

// Layouts of llama.cpp v0.5.0 (x86-64). Never a C# bool in here: booleans are bytes, so the layout is what the
// header says. NativeLayoutTests pins every size, offset and default.

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelParams
{
    public nint Devices;
    public nint TensorBuftOverrides;
    public int GpuLayers;
    public int SplitMode;
    public int LoadMode;
    public int LazyMode;
    public int MainGpu;
    public nint TensorSplit;
    public nint ProgressCallback;
    public nint ProgressCallbackUserData;
    public nint KvOverrides;
    public byte VocabOnly;
    public byte CheckTensors;
    public byte UseExtraBufts;
    public byte NoHost;
    public byte NoAlloc;
    public byte LoadMtp;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaContextParams
{
    public uint ContextSize;
    public uint BatchSize;
    public uint MicroBatchSize;
    public uint MaxSequences;
    public uint RecurrentStateSnapshots;
    public uint MaxOutputs;
    public uint MaxOutputsPerSequence;
    public int Threads;
    public int BatchThreads;
    public int ContextType;
    public int RopeScalingType;
    public int PoolingType;
    public int AttentionType;
    public int FlashAttentionType;
    public float RopeFreqBase;
    public float RopeFreqScale;
    public float YarnExtFactor;
    public float YarnAttnFactor;
    public float YarnBetaFast;
    public float YarnBetaSlow;
    public uint YarnOrigContext;
    public float DefragThreshold;
    public nint EvalCallback;
    public nint EvalCallbackUserData;
    public int TypeK;
    public int TypeV;
    public nint AbortCallback;
    public nint AbortCallbackData;
    public byte Embeddings;
    public byte OffloadKqv;
    public byte NoPerf;
    public byte OpOffload;
    public byte SwaFull;
    public byte KvUnified;
    public nint Samplers;
    public nuint SamplerCount;
    public nint ContextOther;
}

/// <summary>Input of one <c>llama_decode</c>: parallel arrays of <see cref="TokenCount"/> entries.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatch
{
    public int TokenCount;
    public int* Tokens;
    public float* Embeddings;
    public int* Positions;
    public int* SequenceIdCounts;
    public int** SequenceIds;
    public sbyte* Logits;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaTokenData
{
    public int Id;
    public float Logit;
    public float P;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaTokenDataArray
{
    public nint Data;
    public nuint Size;
    public long Selected;
    public byte Sorted;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaChatMessage
{
    public nint Role;
    public nint Content;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    public byte NoPerf;
}

internal enum LlamaPoolingType
{
    Unspecified = -1,
    None = 0,
    Mean = 1,
    Cls = 2,
    Last = 3,
}

internal enum GgmlLogLevel
{
    None = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Continue = 5,
}

internal enum GgmlBackendDeviceType
{
    Cpu = 0,
    Gpu = 1,
    IntegratedGpu = 2,
    Accelerator = 3,
}
