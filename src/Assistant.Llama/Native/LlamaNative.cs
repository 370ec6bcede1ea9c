using System.Runtime.InteropServices;

namespace Assistant.Llama.Native;

/// <summary>
/// The llama.cpp v0.5.0 C API, as far as the assistant uses it, grouped by area. The library names are mapped to
/// files by <see cref="LlamaRuntime"/>; nothing here may be called before it has loaded the libraries.
/// Callers validate arguments first: the library aborts the process on bad ones.
/// </summary>
internal static unsafe partial class LlamaNative
{
    internal const string Llama = "llama";
    internal const string Ggml = "ggml";
    internal const string GgmlBase = "ggml-base";

    // --- backends and logging -------------------------------------------------------------------------------
    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ggml_backend_load_all_from_path(string directory);

    [LibraryImport(Ggml)]
    internal static partial nuint ggml_backend_dev_count();

    [LibraryImport(Ggml)]
    internal static partial nint ggml_backend_dev_get(nuint index);

    [LibraryImport(GgmlBase)]
    internal static partial nint ggml_backend_dev_name(nint device);

    [LibraryImport(GgmlBase)]
    internal static partial nint ggml_backend_dev_description(nint device);

    [LibraryImport(GgmlBase)]
    internal static partial int ggml_backend_dev_type(nint device);

    [LibraryImport(Llama)]
    internal static partial void llama_backend_init();

    [LibraryImport(Llama)]
    internal static partial nint llama_version();

    [LibraryImport(Llama)]
    internal static partial nint llama_print_system_info();

    [LibraryImport(Llama)]
    internal static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, nint, nint, void> callback, nint userData);

    // --- defaults ------------------------------------------------------------------------------------------
    [LibraryImport(Llama)]
    internal static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(Llama)]
    internal static partial LlamaContextParams llama_context_default_params();

    [LibraryImport(Llama)]
    internal static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    // --- model ---------------------------------------------------------------------------------------------
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint llama_model_load_from_file(string path, LlamaModelParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_model_free(nint model);

    [LibraryImport(Llama)]
    internal static partial nint llama_model_get_vocab(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_embd(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_layer(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial ulong llama_model_n_params(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial ulong llama_model_size(SafeLlamaModelHandle model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_desc(SafeLlamaModelHandle model, byte* buffer, nuint size);

    [LibraryImport(Llama)]
    internal static partial nint llama_model_chat_template(SafeLlamaModelHandle model, nint name);

    // --- vocabulary and tokens (the vocab belongs to the model: no handle of its own) ----------------------
    [LibraryImport(Llama)]
    internal static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_bos(nint vocab);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_eos(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_get_add_bos(nint vocab);

    [LibraryImport(Llama)]
    internal static partial int llama_tokenize(
        nint vocab, byte* text, int textLength, int* tokens, int maxTokens,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(Llama)]
    internal static partial int llama_token_to_piece(
        nint vocab, int token, byte* buffer, int length, int leftStrip, [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(Llama)]
    internal static partial int llama_detokenize(
        nint vocab, int* tokens, int tokenCount, byte* text, int maxLength,
        [MarshalAs(UnmanagedType.U1)] bool removeSpecial, [MarshalAs(UnmanagedType.U1)] bool unparseSpecial);

    // --- chat template -------------------------------------------------------------------------------------
    [LibraryImport(Llama)]
    internal static partial int llama_chat_apply_template(
        nint template, LlamaChatMessage* messages, nuint count, [MarshalAs(UnmanagedType.U1)] bool addAssistant,
        byte* buffer, int length);

    // --- context, memory and decoding ----------------------------------------------------------------------
    [LibraryImport(Llama)]
    internal static partial nint llama_init_from_model(SafeLlamaModelHandle model, LlamaContextParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_free(nint context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_ctx(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_ctx_seq(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_batch(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_seq_max(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    internal static partial nint llama_get_memory(SafeLlamaContextHandle context);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_memory_seq_rm(nint memory, int sequence, int from, int to);

    [LibraryImport(Llama)]
    internal static partial void llama_memory_clear(nint memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(Llama)]
    internal static partial LlamaBatch llama_batch_init(int tokens, int embeddings, int maxSequences);

    [LibraryImport(Llama)]
    internal static partial void llama_batch_free(LlamaBatch batch);

    [LibraryImport(Llama)]
    internal static partial int llama_decode(SafeLlamaContextHandle context, LlamaBatch batch);

    [LibraryImport(Llama)]
    internal static partial float* llama_get_embeddings_seq(SafeLlamaContextHandle context, int sequence);

    [LibraryImport(Llama)]
    internal static partial int llama_pooling_type(SafeLlamaContextHandle context);

    // --- sampling ------------------------------------------------------------------------------------------
    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    /// <summary>Takes ownership of <paramref name="sampler"/>: only the chain is freed.</summary>
    [LibraryImport(Llama)]
    internal static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, nint sampler);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_free(nint sampler);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_greedy();

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_dist(uint seed);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_top_k(int k);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_temp(float temperature);

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint llama_sampler_init_grammar(nint vocab, string grammar, string root);

    /// <summary>Samples from the logits of output <paramref name="index"/> and accepts the token into the chain.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_sampler_sample(SafeLlamaSamplerHandle chain, SafeLlamaContextHandle context, int index);

    // --- LoRA adapters -------------------------------------------------------------------------------------
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint llama_adapter_lora_init(SafeLlamaModelHandle model, string path);

    [LibraryImport(Llama)]
    internal static partial void llama_adapter_lora_free(nint adapter);

    [LibraryImport(Llama)]
    internal static partial int llama_set_adapters_lora(SafeLlamaContextHandle context, nint* adapters, nuint count, float* scales);
}
