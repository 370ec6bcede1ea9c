using Assistant.Core.Knowledge;

namespace Assistant.Knowledge.Reading;

/// <summary>What a block is decides how the chunker may cut it: tables, procedures and listings stay whole.</summary>
public enum BlockKind
{
    /// <summary>A heading line; its text is already in the section path of the blocks after it.</summary>
    Heading,
    Paragraph,
    List,
    Procedure,
    Table,
    Listing,

    /// <summary>One self-contained record (an incident): always a passage of its own.</summary>
    Record,
}

/// <param name="SectionPath">Headings above the block, below the document title.</param>
/// <param name="LineStart">1-based first line in the source file.</param>
/// <param name="LineEnd">1-based last line, inclusive.</param>
public sealed record DocumentBlock(
    BlockKind Kind,
    IReadOnlyList<string> SectionPath,
    string Text,
    int LineStart,
    int LineEnd,
    string? Machine = null,
    string? Line = null,
    IReadOnlyDictionary<string, string>? Fields = null);

/// <summary>A source file read into ordered blocks, before chunking.</summary>
/// <param name="Fields">Document-level metadata: a manual's front matter, an AsciiDoc file's attributes.</param>
public sealed record ParsedDocument(
    DocumentKind Kind,
    string Title,
    IReadOnlyList<DocumentBlock> Blocks,
    IReadOnlyDictionary<string, string> Fields);

/// <summary>Reads one kind of source file. Throws <see cref="InvalidDataException"/> with a reason for a malformed file.</summary>
public interface IDocumentReader
{
    /// <summary>File extensions this reader takes, with the dot, lower case.</summary>
    IReadOnlyCollection<string> Extensions { get; }

    ParsedDocument Read(string source, string text);
}
