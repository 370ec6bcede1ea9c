using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Assistant.Llama.Native;

namespace Assistant.Llama.Tests;

/// <summary>A wrong binding corrupts memory silently; these pin the layouts of llama.cpp v0.5.0 (x86-64) instead.</summary>
[Collection(TestModelCollection.Name)]
public sealed class NativeLayoutTests(TestModelFixture fixture)
{
    private static int Offset<T>(string field) => (int)Marshal.OffsetOf<T>(field);

    [Fact]
    public void Struct_sizes_match_the_header()
    {
        Assert.Equal(80, Unsafe.SizeOf<LlamaModelParams>());
        Assert.Equal(160, Unsafe.SizeOf<LlamaContextParams>());
        Assert.Equal(56, Unsafe.SizeOf<LlamaBatch>());
        Assert.Equal(12, Unsafe.SizeOf<LlamaTokenData>());
        Assert.Equal(32, Unsafe.SizeOf<LlamaTokenDataArray>());
        Assert.Equal(16, Unsafe.SizeOf<LlamaChatMessage>());
        Assert.Equal(1, Unsafe.SizeOf<LlamaSamplerChainParams>());
    }

    [Fact]
    public void Model_params_offsets_match_the_header()
    {
        Assert.Equal(16, Offset<LlamaModelParams>(nameof(LlamaModelParams.GpuLayers)));
        Assert.Equal(20, Offset<LlamaModelParams>(nameof(LlamaModelParams.SplitMode)));
        Assert.Equal(24, Offset<LlamaModelParams>(nameof(LlamaModelParams.LoadMode)));
        Assert.Equal(28, Offset<LlamaModelParams>(nameof(LlamaModelParams.LazyMode)));
        Assert.Equal(32, Offset<LlamaModelParams>(nameof(LlamaModelParams.MainGpu)));
        Assert.Equal(40, Offset<LlamaModelParams>(nameof(LlamaModelParams.TensorSplit)));
        Assert.Equal(64, Offset<LlamaModelParams>(nameof(LlamaModelParams.KvOverrides)));
        Assert.Equal(72, Offset<LlamaModelParams>(nameof(LlamaModelParams.VocabOnly)));
        Assert.Equal(77, Offset<LlamaModelParams>(nameof(LlamaModelParams.LoadMtp)));
    }

    [Fact]
    public void Context_params_offsets_match_the_header()
    {
        Assert.Equal(12, Offset<LlamaContextParams>(nameof(LlamaContextParams.MaxSequences)));
        Assert.Equal(28, Offset<LlamaContextParams>(nameof(LlamaContextParams.Threads)));
        Assert.Equal(44, Offset<LlamaContextParams>(nameof(LlamaContextParams.PoolingType)));
        Assert.Equal(52, Offset<LlamaContextParams>(nameof(LlamaContextParams.FlashAttentionType)));
        Assert.Equal(56, Offset<LlamaContextParams>(nameof(LlamaContextParams.RopeFreqBase)));
        Assert.Equal(80, Offset<LlamaContextParams>(nameof(LlamaContextParams.YarnOrigContext)));
        Assert.Equal(88, Offset<LlamaContextParams>(nameof(LlamaContextParams.EvalCallback)));
        Assert.Equal(104, Offset<LlamaContextParams>(nameof(LlamaContextParams.TypeK)));
        Assert.Equal(112, Offset<LlamaContextParams>(nameof(LlamaContextParams.AbortCallback)));
        Assert.Equal(128, Offset<LlamaContextParams>(nameof(LlamaContextParams.Embeddings)));
        Assert.Equal(133, Offset<LlamaContextParams>(nameof(LlamaContextParams.KvUnified)));
        Assert.Equal(136, Offset<LlamaContextParams>(nameof(LlamaContextParams.Samplers)));
        Assert.Equal(152, Offset<LlamaContextParams>(nameof(LlamaContextParams.ContextOther)));
    }

    [Fact]
    public void Batch_and_token_offsets_match_the_header()
    {
        Assert.Equal(8, Offset<LlamaBatch>(nameof(LlamaBatch.Tokens)));
        Assert.Equal(24, Offset<LlamaBatch>(nameof(LlamaBatch.Positions)));
        Assert.Equal(40, Offset<LlamaBatch>(nameof(LlamaBatch.SequenceIds)));
        Assert.Equal(48, Offset<LlamaBatch>(nameof(LlamaBatch.Logits)));
        Assert.Equal(4, Offset<LlamaTokenData>(nameof(LlamaTokenData.Logit)));
        Assert.Equal(16, Offset<LlamaTokenDataArray>(nameof(LlamaTokenDataArray.Selected)));
        Assert.Equal(24, Offset<LlamaTokenDataArray>(nameof(LlamaTokenDataArray.Sorted)));
        Assert.Equal(8, Offset<LlamaChatMessage>(nameof(LlamaChatMessage.Content)));
    }

    [Fact]
    public void Library_defaults_read_through_the_binding_are_the_documented_ones()
    {
        Assert.NotNull(fixture.Model); // the runtime is loaded
        var model = LlamaNative.llama_model_default_params();
        Assert.Equal(-1, model.GpuLayers);
        Assert.Equal(1, model.SplitMode);
        Assert.Equal(-1, model.LoadMode);
        Assert.Equal(1, model.LazyMode);
        Assert.Equal(0, model.VocabOnly);
        Assert.Equal(1, model.UseExtraBufts);
        Assert.Equal(0, model.LoadMtp);

        var context = LlamaNative.llama_context_default_params();
        Assert.Equal(512u, context.ContextSize);
        Assert.Equal(2048u, context.BatchSize);
        Assert.Equal(512u, context.MicroBatchSize);
        Assert.Equal(1u, context.MaxSequences);
        Assert.Equal(-1, context.PoolingType);
        Assert.Equal(-1, context.FlashAttentionType);
        Assert.Equal(1, context.TypeK); // F16
        Assert.Equal(1, context.TypeV);
        Assert.Equal(0, context.Embeddings);
        Assert.Equal(1, context.NoPerf);
        Assert.Equal(nint.Zero, context.Samplers);

        Assert.Equal(1, LlamaNative.llama_sampler_chain_default_params().NoPerf);
    }
}
