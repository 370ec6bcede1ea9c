using Microsoft.Extensions.AI;

namespace Assistant.Core.LanguageModel;

/// <summary>What the operator sees about the language model: which file, which backend, or why it is not there.</summary>
/// <param name="Available">True when a model is loaded and answering.</param>
/// <param name="Description">E.g. "qwen2.5-7b-q4.gguf on CUDA (33 layers offloaded)" or "no model configured".</param>
/// <param name="Error">Why the configured model could not be used, and how to fix it; null when it loaded or none is configured.</param>
public sealed record LanguageModelState(bool Available, string Description, string? Error = null);

/// <summary>A LoRA adapter the loaded model can apply: requests name it, or configuration names its purpose.</summary>
public sealed record ModelAdapter(string Name, string Purpose);

/// <summary>
/// The plant's language model as the answer pipeline sees it. When no model is configured, or the configured
/// file cannot be loaded, <see cref="ChatClient"/> is null and the assistant answers in retrieval-only mode.
/// </summary>
public interface ILanguageModelHost
{
    LanguageModelState State { get; }

    /// <summary>The loaded model, or null (retrieval-only mode).</summary>
    IChatClient? ChatClient { get; }

    /// <summary>Context length in tokens of the loaded model (0 when none).</summary>
    int ContextLength { get; }

    /// <summary>Counts tokens with the loaded model's own tokenizer, so prompt budgets are real.</summary>
    int CountTokens(string text);

    /// <summary>The adapters loaded with the model (none when no model is loaded).</summary>
    IReadOnlyList<ModelAdapter> AvailableAdapters => [];
}
