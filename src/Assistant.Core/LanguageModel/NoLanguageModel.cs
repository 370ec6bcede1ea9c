using Microsoft.Extensions.AI;

namespace Assistant.Core.LanguageModel;

/// <summary>The host of an installation without a language model runtime: the assistant answers retrieval-only.</summary>
public sealed class NoLanguageModel : ILanguageModelHost
{
    public LanguageModelState State { get; } = new(false, "no language model runtime is installed");

    public IChatClient? ChatClient => null;

    public int ContextLength => 0;

    public int CountTokens(string text) => 0;
}
