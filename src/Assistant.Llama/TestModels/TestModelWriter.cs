using Assistant.Llama.Gguf;

namespace Assistant.Llama.TestModels;

/// <summary>Shape of a generated llama-architecture model. The defaults make a 64-wide model of about half a megabyte.</summary>
public sealed record TestModelShape(
    int Width = 64,
    int Layers = 2,
    int FeedForward = 128,
    int Heads = 4,
    int ContextLength = 2048,
    GgmlType WeightType = GgmlType.F32)
{
    /// <summary>About 100M parameters in F16 (~200 MB): the benchmark's model.</summary>
    public static TestModelShape Benchmark { get; } = new(Width: 768, Layers: 12, FeedForward: 2560, Heads: 12, ContextLength: 4096, WeightType: GgmlType.F16);

    public long ParameterCount(int vocabulary) =>
        2L * Width * vocabulary + Width + Layers * (2L * Width + 4L * Width * Width + 3L * Width * FeedForward);
}

/// <summary>The files <see cref="TestModelWriter.WriteSet"/> made.</summary>
public sealed record TestModelSet(string ChatModelPath, string EmbeddingModelPath, string AdaptersPath, string AdapterPath, string AdapterName)
{
    /// <summary>
    /// Configuration that runs the assistant on these models. Their tokenizer is byte-level, so a prompt with
    /// passages takes many thousand tokens: the context is large and answers and passages are kept short.
    /// </summary>
    public IReadOnlyDictionary<string, string> AssistantSettings() => new Dictionary<string, string>
    {
        ["Llama:ModelPath"] = ChatModelPath,
        ["Llama:AdaptersPath"] = AdaptersPath,
        ["Llama:ContextSize"] = "16384",
        ["Llama:ParallelSequences"] = "2",
        ["Assistant:AnswerTokens"] = "256",
        ["Assistant:MaxPassages"] = "3",
    };
}

/// <summary>
/// Writes small GGUF models with random weights: no weights can be downloaded here, and random weights still
/// exercise every path (tokenizer, chat template, sampling, grammar, adapters, pooling). The text they produce is
/// random; a grammar still forces it into valid JSON.
/// </summary>
public static class TestModelWriter
{
    public const string ChatModelName = "shopfloor-test-chat";
    public const string EmbeddingModelName = "shopfloor-test-embed";
    public const string EndOfText = "<|endoftext|>";
    public const string TurnStart = "<|im_start|>";
    public const string TurnEnd = "<|im_end|>";

    /// <summary>The ChatML template, which llama_chat_apply_template recognises by its turn markers.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static readonly string[] Merges = ["Ġ t", "h e", "i n", "e r", "Ġ a", "o n"];

    /// <summary>Writes chat.gguf, embed.gguf and adapters/ (one LoRA adapter and its manifest) into <paramref name="directory"/>.</summary>
    public static TestModelSet WriteSet(string directory, TestModelShape? shape = null, int seed = 1)
    {
        shape ??= new TestModelShape();
        Directory.CreateDirectory(directory);
        var chat = Path.Combine(directory, "chat.gguf");
        var embed = Path.Combine(directory, "embed.gguf");
        var adapters = Path.Combine(directory, "adapters");
        var adapter = Path.Combine(adapters, "test-maintenance.gguf");
        WriteChatModel(chat, shape, seed);
        WriteEmbeddingModel(embed, shape with { WeightType = GgmlType.F32 }, seed + 1);
        WriteLoraAdapter(adapter, shape, ChatModelName, rank: 4, seed: seed + 2);
        AdapterManifest.Write(Path.Combine(adapters, AdapterManifest.FileName),
        [
            new AdapterManifestEntry("test-maintenance", "test-maintenance.gguf", ChatModelName, 1.0f, "maintenance",
                "Random weights made by make-test-model; changes the output, teaches nothing."),
        ]);
        return new TestModelSet(chat, embed, adapters, adapter, "test-maintenance");
    }

    public static void WriteChatModel(string path, TestModelShape shape, int seed = 1, string name = ChatModelName) =>
        ModelWriter(shape, seed, name).Add("tokenizer.chat_template", ChatMlTemplate).Write(path);

    /// <summary>A mean-pooling embedding model; its vectors are as wide as the model.</summary>
    public static void WriteEmbeddingModel(string path, TestModelShape shape, int seed = 2, string name = EmbeddingModelName) =>
        ModelWriter(shape, seed, name).Add("llama.pooling_type", 1u).Write(path);

    /// <summary>A LoRA adapter on every attention and feed-forward matrix, strong enough to change greedy output at scale 1.</summary>
    public static void WriteLoraAdapter(string path, TestModelShape shape, string baseModelName, int rank = 4, int seed = 3)
    {
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("general.type", "adapter")
            .Add("general.name", Path.GetFileNameWithoutExtension(path))
            .Add("general.base_model.count", 1u)
            .Add("general.base_model.0.name", baseModelName)
            .Add("adapter.type", "lora")
            .Add("adapter.lora.alpha", (float)rank);
        var tensorSeed = seed * 1000;
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            foreach (var (matrix, input, output) in LayerMatrices(shape))
            {
                var prefix = $"blk.{layer}.{matrix}.weight";
                var (seedA, seedB) = (tensorSeed++, tensorSeed++);
                writer.AddTensor(prefix + ".lora_a", [input, rank], GgmlType.F32, () => Uniform(seedA, (long)input * rank, 1.0 / Math.Sqrt(input)));
                writer.AddTensor(prefix + ".lora_b", [rank, output], GgmlType.F32, () => Uniform(seedB, (long)rank * output, 1.0 / Math.Sqrt(rank)));
            }
        }

        writer.Write(path);
    }

    /// <summary>The tokenizer: the 256 byte-level tokens, a few merges, then the control tokens.</summary>
    public static IReadOnlyList<string> Vocabulary()
    {
        var tokens = new List<string>(ByteTokens());
        tokens.AddRange(Merges.Select(m => m.Replace(" ", "", StringComparison.Ordinal)));
        tokens.AddRange([EndOfText, TurnStart, TurnEnd]);
        return tokens;
    }

    private static GgufWriter ModelWriter(TestModelShape shape, int seed, string name)
    {
        var vocabulary = Vocabulary();
        var types = vocabulary.Select((_, i) => i >= vocabulary.Count - 3 ? 3 : 1).ToArray();
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("general.name", name)
            .Add("general.file_type", shape.WeightType == GgmlType.F16 ? 1u : 0u)
            .Add("llama.context_length", (uint)shape.ContextLength)
            .Add("llama.embedding_length", (uint)shape.Width)
            .Add("llama.block_count", (uint)shape.Layers)
            .Add("llama.feed_forward_length", (uint)shape.FeedForward)
            .Add("llama.attention.head_count", (uint)shape.Heads)
            .Add("llama.attention.head_count_kv", (uint)shape.Heads)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.rope.freq_base", 10000f)
            .Add("tokenizer.ggml.model", "gpt2")
            .Add("tokenizer.ggml.pre", "default")
            .Add("tokenizer.ggml.tokens", vocabulary)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.merges", Merges)
            .Add("tokenizer.ggml.bos_token_id", (uint)(vocabulary.Count - 3))
            .Add("tokenizer.ggml.eos_token_id", (uint)(vocabulary.Count - 1))
            .Add("tokenizer.ggml.add_bos_token", false);

        var (width, vocab) = ((long)shape.Width, (long)vocabulary.Count);
        var type = shape.WeightType;
        var tensorSeed = seed * 1000;
        var s = tensorSeed;
        writer.AddTensor("token_embd.weight", [width, vocab], type, () => Uniform(s, width * vocab, 1.0));
        writer.AddTensor("output_norm.weight", [width], GgmlType.F32, () => Ones(width));
        var so = tensorSeed + 1;
        writer.AddTensor("output.weight", [width, vocab], type, () => Uniform(so, width * vocab, 2.0 / Math.Sqrt(width)));
        tensorSeed += 2;
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            writer.AddTensor($"blk.{layer}.attn_norm.weight", [width], GgmlType.F32, () => Ones(width));
            writer.AddTensor($"blk.{layer}.ffn_norm.weight", [width], GgmlType.F32, () => Ones(width));
            foreach (var (matrix, input, output) in LayerMatrices(shape))
            {
                var matrixSeed = tensorSeed++;
                writer.AddTensor($"blk.{layer}.{matrix}.weight", [input, output], type, () => Uniform(matrixSeed, (long)input * output, 1.0 / Math.Sqrt(input)));
            }
        }

        return writer;
    }

    private static IEnumerable<(string Matrix, int Input, int Output)> LayerMatrices(TestModelShape shape)
    {
        yield return ("attn_q", shape.Width, shape.Width);
        yield return ("attn_k", shape.Width, shape.Width);
        yield return ("attn_v", shape.Width, shape.Width);
        yield return ("attn_output", shape.Width, shape.Width);
        yield return ("ffn_gate", shape.Width, shape.FeedForward);
        yield return ("ffn_up", shape.Width, shape.FeedForward);
        yield return ("ffn_down", shape.FeedForward, shape.Width);
    }

    /// <summary>Uniform values with the given standard deviation, the same for the same seed.</summary>
    private static float[] Uniform(int seed, long count, double std)
    {
        var random = new Random(seed);
        var half = std * Math.Sqrt(3.0);
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * half);
        }

        return values;
    }

    private static float[] Ones(long count)
    {
        var values = new float[count];
        Array.Fill(values, 1f);
        return values;
    }

    /// <summary>Byte-level BPE spells each byte as a printable character: printable ASCII and Latin-1 as themselves, the rest shifted above 255.</summary>
    private static IEnumerable<string> ByteTokens()
    {
        var shifted = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            yield return printable ? ((char)b).ToString() : ((char)(256 + shifted++)).ToString();
        }
    }
}
