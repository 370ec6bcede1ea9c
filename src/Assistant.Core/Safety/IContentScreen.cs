namespace Assistant.Core.Safety;

/// <summary>What the content screen found wrong with a text.</summary>
public enum ScreenFindingKind
{
    /// <summary>An instruction to defeat a safety device or skip lock-out/tag-out or PPE.</summary>
    DefeatsSafety,

    /// <summary>Text that addresses the assistant ("ignore previous instructions", "system instruction to the AI").</summary>
    AddressesAssistant,
}

/// <param name="Phrase">The words that were found, as they stand in the text, so the document's owner can fix them.</param>
public sealed record ScreenFinding(ScreenFindingKind Kind, string Phrase);

/// <summary>
/// The one safety screen that every text from a document, an incident or a tool passes before it reaches a person
/// or a prompt: at ingestion (a finding quarantines the passage) and on every answer path.
/// </summary>
public interface IContentScreen
{
    /// <summary>The first finding in <paramref name="text"/>, or null when it is safe to show and to prompt with.</summary>
    ScreenFinding? Screen(string text);
}
