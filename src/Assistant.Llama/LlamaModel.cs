using System.Runtime.InteropServices;
using System.Text;
using Assistant.Llama.Gguf;
using Assistant.Llama.Native;
using Microsoft.Extensions.Logging;

namespace Assistant.Llama;

/// <summary>Raised when a model file cannot be used; the message says what is wrong and how to fix it.</summary>
public sealed class LlamaModelLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A loaded GGUF model: its metadata (read by our own GGUF reader first, so a wrong file gets a clear message),
/// its tokenizer and its chat template. Thread-safe: the model and vocabulary are read-only once loaded.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private const int MaxLayers = 512; // llama.cpp asserts (aborts) beyond this

    private readonly nint _vocab;
    private readonly nint _chatTemplate;

    private LlamaModel(SafeLlamaModelHandle handle, GgufFile file, LlamaBackend backend, int gpuLayers)
    {
        Handle = handle;
        File = file;
        Backend = backend;
        _vocab = LlamaNative.llama_model_get_vocab(handle);
        VocabularySize = LlamaNative.llama_vocab_n_tokens(_vocab);
        TrainedContextLength = LlamaNative.llama_model_n_ctx_train(handle);
        EmbeddingLength = LlamaNative.llama_model_n_embd(handle);
        ParameterCount = LlamaNative.llama_model_n_params(handle);
        AddBos = LlamaNative.llama_vocab_get_add_bos(_vocab);
        _chatTemplate = LlamaNative.llama_model_chat_template(handle, nint.Zero);
        var layers = LlamaNative.llama_model_n_layer(handle);
        var offloaded = backend.IsGpu ? (gpuLayers < 0 ? layers : Math.Min(gpuLayers, layers)) : 0;
        Description = backend.IsGpu
            ? $"{System.IO.Path.GetFileName(file.Path)} on CUDA ({offloaded} of {layers} layers offloaded)"
            : $"{System.IO.Path.GetFileName(file.Path)} on the CPU";
    }

    internal SafeLlamaModelHandle Handle { get; }

    internal nint Vocab => _vocab;

    public GgufFile File { get; }

    public LlamaBackend Backend { get; }

    public string Path => File.Path;

    /// <summary><c>general.name</c>, or the file name when the file has none; adapters name their base model by it.</summary>
    public string Name => File.Name ?? System.IO.Path.GetFileNameWithoutExtension(File.Path);

    /// <summary>E.g. "qwen2.5-7b-q4.gguf on CUDA (29 of 29 layers offloaded)".</summary>
    public string Description { get; }

    public int VocabularySize { get; }

    public int TrainedContextLength { get; }

    public int EmbeddingLength { get; }

    public ulong ParameterCount { get; }

    public bool AddBos { get; }

    /// <summary>The model's own chat template, or null (then ChatML is used).</summary>
    public string? ChatTemplate => _chatTemplate == nint.Zero ? null : Marshal.PtrToStringUTF8(_chatTemplate);

    /// <summary>Checks the file with our GGUF reader, then loads it with llama.cpp.</summary>
    /// <exception cref="LlamaModelLoadException">Missing, truncated, foreign or unloadable file; the message says what to do.</exception>
    public static LlamaModel Load(string path, LlamaOptions options, ILogger logger)
    {
        var file = Inspect(path);
        var backend = LlamaRuntime.EnsureLoaded(options, logger);
        var parameters = LlamaNative.llama_model_default_params();
        parameters.GpuLayers = backend.IsGpu ? options.GpuLayers : 0;
        var handle = SafeLlamaModelHandle.Load(file.Path, parameters)
            ?? throw new LlamaModelLoadException(
                $"llama.cpp could not load {System.IO.Path.GetFileName(path)}: {LlamaRuntime.TakeLastError() ?? "see the log"}. Use a GGUF model made for llama.cpp v0.5.0 or newer.");
        var model = new LlamaModel(handle, file, backend, options.GpuLayers);
        logger.LogInformation("Loaded {Model}: {Parameters:N0} parameters, trained context {Context}", model.Description, model.ParameterCount, model.TrainedContextLength);
        return model;
    }

    /// <summary>Reads and checks a model file without loading it.</summary>
    /// <exception cref="LlamaModelLoadException">The file cannot be a loadable model.</exception>
    public static GgufFile Inspect(string path)
    {
        GgufFile file;
        try
        {
            file = GgufFile.Read(System.IO.Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LlamaModelLoadException(ex.Message, ex);
        }

        var name = System.IO.Path.GetFileName(path);
        if (file.FileType == "adapter")
        {
            throw new LlamaModelLoadException($"{name} is a LoRA adapter, not a model. Set Llama:ModelPath to the base model and list the adapter in models/adapters/adapters.json.");
        }

        if (file.Architecture is not { Length: > 0 } arch)
        {
            throw new LlamaModelLoadException($"{name} is a GGUF file without general.architecture, so it is not a llama.cpp model.");
        }

        var layers = file.GetInteger($"{arch}.block_count");
        if (layers is not (> 0 and <= MaxLayers))
        {
            throw new LlamaModelLoadException($"{name} ({arch}) gives {arch}.block_count = {layers?.ToString() ?? "nothing"}; a model needs 1 to {MaxLayers} layers.");
        }

        if (file.Tensors.Count == 0)
        {
            throw new LlamaModelLoadException($"{name} holds no tensors (a vocabulary-only file?); use the full model file.");
        }

        return file;
    }

    /// <summary>Text to token ids with the model's own tokenizer.</summary>
    /// <param name="addSpecial">Add the BOS token when the model asks for one.</param>
    /// <param name="parseSpecial">Turn control-token text such as <c>&lt;|im_end|&gt;</c> into the control token (chat templates need this; user text must not get it).</param>
    public unsafe int[] Tokenize(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var tokens = new int[bytes.Length + 2];
        fixed (byte* textPtr = bytes)
        {
            while (true)
            {
                fixed (int* tokenPtr = tokens)
                {
                    var count = LlamaNative.llama_tokenize(_vocab, textPtr, bytes.Length, tokenPtr, tokens.Length, addSpecial, parseSpecial);
                    if (count >= 0)
                    {
                        return tokens[..count];
                    }

                    if (count == int.MinValue)
                    {
                        throw new ArgumentException("The text is too long to tokenize.", nameof(text));
                    }

                    tokens = new int[-count];
                }
            }
        }
    }

    public int CountTokens(string text) => Tokenize(text, addSpecial: false, parseSpecial: true).Length;

    /// <summary>Token ids back to text; control tokens are left out unless <paramref name="renderSpecial"/>.</summary>
    public unsafe string Detokenize(ReadOnlySpan<int> tokens, bool renderSpecial = false)
    {
        ValidateTokens(tokens);
        var buffer = new byte[Math.Max(64, tokens.Length * 8)];
        fixed (int* tokenPtr = tokens)
        {
            while (true)
            {
                fixed (byte* bufferPtr = buffer)
                {
                    var length = LlamaNative.llama_detokenize(_vocab, tokenPtr, tokens.Length, bufferPtr, buffer.Length, removeSpecial: false, unparseSpecial: renderSpecial);
                    if (length >= 0)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, length);
                    }

                    buffer = new byte[-length];
                }
            }
        }
    }

    /// <summary>The bytes of one token, as generation emits them (control tokens give none).</summary>
    internal unsafe int TokenToPiece(int token, Span<byte> buffer)
    {
        fixed (byte* bufferPtr = buffer)
        {
            var length = LlamaNative.llama_token_to_piece(_vocab, token, bufferPtr, buffer.Length, 0, special: false);
            return Math.Max(0, length);
        }
    }

    public bool IsEndOfGeneration(int token) => (uint)token < (uint)VocabularySize && LlamaNative.llama_vocab_is_eog(_vocab, token);

    public void ValidateTokens(ReadOnlySpan<int> tokens)
    {
        foreach (var token in tokens)
        {
            if ((uint)token >= (uint)VocabularySize)
            {
                throw new ArgumentException($"Token id {token} is outside this model's vocabulary of {VocabularySize} tokens.", nameof(tokens));
            }
        }
    }

    /// <summary>Renders a conversation with the model's chat template (ChatML when the model has none).</summary>
    /// <param name="addAssistant">End with the opening of the assistant's turn, so the model writes the answer.</param>
    public unsafe string ApplyChatTemplate(IReadOnlyList<(string Role, string Content)> messages, bool addAssistant = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var strings = new List<nint>(messages.Count * 2 + 1);
        try
        {
            var template = _chatTemplate != nint.Zero ? _chatTemplate : Utf8(strings, "chatml");
            var native = new LlamaChatMessage[messages.Count];
            var total = 0;
            for (var i = 0; i < messages.Count; i++)
            {
                native[i] = new LlamaChatMessage { Role = Utf8(strings, messages[i].Role), Content = Utf8(strings, messages[i].Content) };
                total += Encoding.UTF8.GetByteCount(messages[i].Content) + Encoding.UTF8.GetByteCount(messages[i].Role);
            }

            var buffer = new byte[total * 2 + 256];
            fixed (LlamaChatMessage* messagePtr = native)
            {
                while (true)
                {
                    int length;
                    fixed (byte* bufferPtr = buffer)
                    {
                        length = LlamaNative.llama_chat_apply_template(template, messagePtr, (nuint)native.Length, addAssistant, bufferPtr, buffer.Length);
                    }

                    if (length < 0)
                    {
                        throw new NotSupportedException($"llama.cpp does not know the chat template of {Name}. Use a model whose template llama.cpp supports (ChatML, Llama 3, Mistral, Gemma, ...).");
                    }

                    if (length <= buffer.Length)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, length);
                    }

                    buffer = new byte[length];
                }
            }
        }
        finally
        {
            foreach (var s in strings)
            {
                Marshal.FreeCoTaskMem(s);
            }
        }
    }

    public void Dispose() => Handle.Dispose();

    private static nint Utf8(List<nint> owned, string value)
    {
        var pointer = Marshal.StringToCoTaskMemUTF8(value);
        owned.Add(pointer);
        return pointer;
    }
}
