using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;

namespace Assistant.Knowledge.Reading;

/// <summary>Plain text: paragraphs between blank lines; a paragraph whose lines are all numbered is a procedure.</summary>
public sealed partial class PlainTextDocumentReader : IDocumentReader
{
    public IReadOnlyCollection<string> Extensions { get; } = [".txt", ".text", ".ini"];

    public ParsedDocument Read(string source, string text)
    {
        var lines = LineMap.SplitLines(text);
        var blocks = new List<DocumentBlock>();
        var start = -1;
        for (var i = 0; i <= lines.Length; i++)
        {
            var blank = i == lines.Length || lines[i].Trim().Length == 0;
            if (!blank && start < 0)
            {
                start = i;
            }
            else if (blank && start >= 0)
            {
                var paragraph = lines[start..i];
                var kind = paragraph.All(l => Numbered().IsMatch(l) || char.IsWhiteSpace(l[0])) && Numbered().IsMatch(paragraph[0])
                    ? BlockKind.Procedure
                    : BlockKind.Paragraph;
                blocks.Add(new DocumentBlock(kind, [], string.Join('\n', paragraph).Trim(), start + 1, i));
                start = -1;
            }
        }

        return new ParsedDocument(DocumentKind.Other, Path.GetFileName(source), blocks, new Dictionary<string, string>());
    }

    [GeneratedRegex(@"^\s*\d+[.)]\s")]
    private static partial Regex Numbered();
}
