using System.Text;
using Assistant.Knowledge.Reading;

namespace Assistant.Knowledge.Chunking;

/// <summary>A passage before it has an id: the cut of a document the index stores.</summary>
public sealed record Chunk(
    IReadOnlyList<string> SectionPath,
    string Text,
    int LineStart,
    int LineEnd,
    string? Machine = null,
    string? Line = null,
    IReadOnlyDictionary<string, string>? Fields = null);

/// <summary>
/// Cuts a document into passages along its structure. A heading always starts a passage; blocks of one section are
/// packed together up to <see cref="MaxChars"/>; tables, procedures and listings are never cut unless one alone is
/// longer than that, and then between rows or steps (a table's header row is repeated in each piece).
/// </summary>
public sealed class PassageChunker(int maxChars = 1500)
{
    public int MaxChars { get; } = maxChars >= 200 ? maxChars : throw new ArgumentOutOfRangeException(nameof(maxChars), "A passage must be allowed at least 200 characters.");

    public List<Chunk> Chunk(ParsedDocument document)
    {
        var chunks = new List<Chunk>();
        Pending? pending = null;

        foreach (var block in document.Blocks)
        {
            switch (block.Kind)
            {
                case BlockKind.Heading:
                    Flush();
                    pending = new Pending(block.SectionPath, block.LineStart);
                    continue;
                case BlockKind.Record:
                    Flush();
                    chunks.Add(new Chunk(block.SectionPath, block.Text, block.LineStart, block.LineEnd, block.Machine, block.Line, block.Fields));
                    continue;
            }

            if (pending is not null && !pending.SectionPath.SequenceEqual(block.SectionPath))
            {
                Flush();
            }

            foreach (var piece in Pieces(block))
            {
                pending ??= new Pending(block.SectionPath, piece.LineStart);
                if (pending.Text.Length > 0 && pending.Text.Length + piece.Text.Length + 2 > MaxChars)
                {
                    Flush();
                    pending = new Pending(block.SectionPath, piece.LineStart);
                }

                pending.Add(piece.Text, piece.LineEnd);
            }
        }

        Flush();
        return chunks;

        void Flush()
        {
            if (pending is { Text.Length: > 0 })
            {
                chunks.Add(new Chunk(pending.SectionPath, pending.Text.ToString(), pending.LineStart, pending.LineEnd));
            }

            pending = null;
        }
    }

    private IEnumerable<(string Text, int LineStart, int LineEnd)> Pieces(DocumentBlock block)
    {
        if (block.Text.Length <= MaxChars)
        {
            return [(block.Text, block.LineStart, block.LineEnd)];
        }

        var lines = block.Text.Split('\n');
        var header = block.Kind == BlockKind.Table ? TableHeader(lines) : [];
        var units = block.Kind switch
        {
            BlockKind.Table or BlockKind.Listing => lines.Skip(header.Length).Select((l, i) => (Text: l, Offset: i + header.Length)).ToList(),
            BlockKind.Procedure or BlockKind.List => Items(lines),
            _ => Sentences(lines),
        };

        return Pack(block, header, units);
    }

    private IEnumerable<(string Text, int LineStart, int LineEnd)> Pack(DocumentBlock block, string[] header, List<(string Text, int Offset)> units)
    {
        var span = Math.Max(0, block.LineEnd - block.LineStart);
        var totalLines = Math.Max(1, units.Count == 0 ? 1 : units[^1].Offset + 1);
        int LineAt(int offset) => block.LineStart + (int)((long)span * offset / totalLines);

        var headerText = header.Length > 0 ? string.Join('\n', header) + "\n" : "";
        var text = new StringBuilder(headerText);
        var firstOffset = -1;
        var lastOffset = 0;
        foreach (var (unit, offset) in units)
        {
            if (firstOffset >= 0 && text.Length + unit.Length + 1 > MaxChars)
            {
                yield return (text.ToString().TrimEnd(), LineAt(firstOffset), LineAt(lastOffset));
                text.Clear().Append(headerText);
                firstOffset = -1;
            }

            if (firstOffset < 0)
            {
                firstOffset = offset;
            }

            lastOffset = offset;
            text.Append(unit).Append('\n');
        }

        if (firstOffset >= 0)
        {
            yield return (text.ToString().TrimEnd(), LineAt(firstOffset), firstOffset == lastOffset && units.Count == 1 ? block.LineEnd : LineAt(lastOffset));
        }
    }

    // A Markdown pipe table's header is its first row and the --- row under it; an AsciiDoc table's its first row.
    private static string[] TableHeader(string[] lines) =>
        lines.Length > 2 && lines[1].TrimStart('|', ' ', ':').StartsWith('-') ? lines[..2]
        : lines.Length > 1 ? lines[..1]
        : [];

    // A list item runs from its marker to the next marker; its continuation lines stay with it.
    private static List<(string Text, int Offset)> Items(string[] lines)
    {
        var items = new List<(string, int)>();
        var current = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var isMarker = lines[i].Length > 0 && !char.IsWhiteSpace(lines[i][0]);
            if (isMarker && current.Length > 0)
            {
                items.Add((current.ToString().TrimEnd(), start));
                current.Clear();
                start = i;
            }

            current.Append(lines[i]).Append('\n');
        }

        if (current.Length > 0)
        {
            items.Add((current.ToString().TrimEnd(), start));
        }

        return items;
    }

    private List<(string Text, int Offset)> Sentences(string[] lines)
    {
        var units = new List<(string, int)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            while (line.Length > MaxChars)
            {
                var cut = line.LastIndexOf(". ", MaxChars - 1, StringComparison.Ordinal);
                if (cut < MaxChars / 4)
                {
                    cut = line.LastIndexOf(' ', MaxChars - 1);
                }

                if (cut <= 0)
                {
                    cut = MaxChars - 1;
                }

                units.Add((line[..(cut + 1)].Trim(), i));
                line = line[(cut + 1)..];
            }

            units.Add((line, i));
        }

        return units;
    }

    private sealed class Pending(IReadOnlyList<string> sectionPath, int lineStart)
    {
        public IReadOnlyList<string> SectionPath { get; } = sectionPath;

        public int LineStart { get; } = lineStart;

        public int LineEnd { get; private set; } = lineStart;

        public StringBuilder Text { get; } = new();

        public void Add(string text, int lineEnd)
        {
            if (Text.Length > 0)
            {
                Text.Append("\n\n");
            }

            Text.Append(text);
            LineEnd = Math.Max(LineEnd, lineEnd);
        }
    }
}
