namespace Assistant.Llama.Inference;

/// <summary>How the next token is picked. Temperature 0 (or below): greedy, always the most likely token.</summary>
public sealed record SamplingSettings(float Temperature = 0.7f, int TopK = 40, float TopP = 0.95f, uint? Seed = null)
{
    public static SamplingSettings Greedy { get; } = new(Temperature: 0);
}

/// <summary>One generation: prompt tokens in, text out.</summary>
public sealed record GenerationRequest(IReadOnlyList<int> Prompt)
{
    public SamplingSettings Sampling { get; init; } = new();

    public int MaxTokens { get; init; } = 256;

    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>A GBNF grammar the output must follow (root rule <c>root</c>), or null.</summary>
    public string? Grammar { get; init; }

    /// <summary>LoRA adapters by name with their scales; null or empty: the base model.</summary>
    public IReadOnlyDictionary<string, float>? Adapters { get; init; }

    /// <summary>False only for benchmarks that must decode a fixed number of tokens.</summary>
    public bool StopAtEndOfGeneration { get; init; } = true;
}

public enum GenerationFinishReason
{
    /// <summary>The model ended its turn, or a stop sequence appeared.</summary>
    Stop,

    /// <summary>MaxTokens reached, or the conversation's context is full.</summary>
    Length,
}

/// <summary>Sent once, last: why generation ended and how many tokens it took.</summary>
public sealed record GenerationFinish(GenerationFinishReason Reason, int PromptTokens, int OutputTokens);

/// <summary>Streamed text; the last update carries <see cref="Finish"/>.</summary>
/// <param name="OutputTokens">Tokens generated so far, this update's included.</param>
public sealed record GenerationUpdate(string Text, GenerationFinish? Finish = null, int OutputTokens = 0);

/// <summary>The prompt (with history) does not fit the context of one conversation.</summary>
public sealed class ContextOverflowException(int promptTokens, int contextTokens)
    : InvalidOperationException(
        $"The prompt and history take {promptTokens} tokens, but a conversation holds {contextTokens}. Shorten the history or the retrieved passages, or raise Llama:ContextSize.")
{
    public int PromptTokens { get; } = promptTokens;

    public int ContextTokens { get; } = contextTokens;
}
