using System.ComponentModel.DataAnnotations;

namespace Assistant.Llama;

public enum LlamaGpuMode
{
    /// <summary>CUDA when its build and runtime libraries load, else the CPU; the log says which and why.</summary>
    Auto,
    Cuda,
    Cpu,
}

public enum LlamaEmbeddingPooling
{
    /// <summary>What the embedding model's GGUF says (<c>{arch}.pooling_type</c>), mean when it says nothing.</summary>
    Model,
    Mean,
    Cls,
}

/// <summary>The <c>Llama</c> section of appsettings.json. Relative paths resolve against the content root.</summary>
public sealed class LlamaOptions
{
    public const string SectionName = "Llama";

    /// <summary>The chat model (.gguf). Empty: no model, the assistant answers in retrieval-only mode.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>An embedding model (.gguf) for dense retrieval; empty: none.</summary>
    public string EmbeddingModelPath { get; set; } = "";

    /// <summary>Folder holding <c>adapters.json</c> and the LoRA adapter files it names.</summary>
    public string AdaptersPath { get; set; } = "models/adapters";

    public LlamaGpuMode Gpu { get; set; } = LlamaGpuMode.Auto;

    /// <summary>Layers to offload to the GPU; -1 all of them. Ignored on the CPU.</summary>
    [Range(-1, 100_000)]
    public int GpuLayers { get; set; } = -1;

    /// <summary>Tokens one conversation may hold (prompt, history and answer).</summary>
    [Range(64, 1_048_576)]
    public int ContextSize { get; set; } = 4096;

    /// <summary>Conversations decoded together in one context (continuous batching).</summary>
    [Range(1, 64)]
    public int ParallelSequences { get; set; } = 4;

    /// <summary>
    /// One KV cache buffer for all conversations of a context (true), or a fixed slice each (false). Either way a
    /// conversation holds at most <see cref="ContextSize"/> tokens.
    /// </summary>
    public bool UnifiedKvCache { get; set; } = true;

    /// <summary>Contexts in the pool; requests with different adapter sets need different contexts.</summary>
    [Range(1, 16)]
    public int MaxContexts { get; set; } = 2;

    /// <summary>Tokens one decode step may take (prompt chunks of all sequences together).</summary>
    [Range(16, 65_536)]
    public int BatchSize { get; set; } = 512;

    /// <summary>CPU threads for decoding; 0: one per core.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Default answer length when a request does not set MaxOutputTokens.</summary>
    [Range(1, 1_048_576)]
    public int MaxOutputTokens { get; set; } = 1024;

    public LlamaEmbeddingPooling EmbeddingPooling { get; set; } = LlamaEmbeddingPooling.Model;

    /// <summary>Tokens one embedded text may hold; longer texts are cut there.</summary>
    [Range(16, 1_048_576)]
    public int EmbeddingContextSize { get; set; } = 512;

    /// <summary>Folder with the <c>cpu/</c> and <c>cuda/</c> builds of llama.cpp; empty: <c>llama/</c> next to the program.</summary>
    public string NativeLibraryPath { get; set; } = "";

    /// <summary>
    /// Folder holding the CUDA 13 runtime (<c>libcudart.so.13</c>, <c>libcublas.so.13</c>) when they are not on the
    /// system library path, e.g. a Python environment's <c>site-packages/nvidia/cu13/lib</c>; empty: system path.
    /// </summary>
    public string CudaLibraryPath { get; set; } = "";

    /// <summary>The threads actually used: <see cref="Threads"/>, or one per core.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount);
}
