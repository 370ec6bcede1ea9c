using System.Text;
using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;

namespace Assistant.Knowledge.Reading;

/// <summary>
/// AsciiDoc sources, read line by line: section titles (<c>=</c> to <c>======</c>), delimited blocks, <c>|===</c> tables,
/// lists (ordered ones as procedures) with <c>+</c> continuations, attribute entries. Includes, conditionals, images and
/// comments are left out: a passage holds what a reader of the rendered page would read.
/// </summary>
public sealed partial class AsciiDocDocumentReader : IDocumentReader
{
    public IReadOnlyCollection<string> Extensions { get; } = [".adoc", ".asciidoc", ".asc"];

    public ParsedDocument Read(string source, string text)
    {
        var lines = LineMap.SplitLines(text);
        return new Parser(source, lines).Parse();
    }

    private sealed class Parser(string source, string[] lines)
    {
        private readonly Dictionary<string, string> _attributes = new(StringComparer.OrdinalIgnoreCase);
        private readonly SectionTracker _sections = new();
        private readonly List<DocumentBlock> _blocks = [];
        private string? _pendingTitle;
        private int _pendingTitleLine;
        private int _i;

        public ParsedDocument Parse()
        {
            while (_i < lines.Length)
            {
                var line = lines[_i];
                var trimmed = line.TrimEnd();

                if (trimmed.Length == 0)
                {
                    _i++;
                    continue;
                }

                if (trimmed.StartsWith("////", StringComparison.Ordinal) && trimmed.Trim('/').Length == 0)
                {
                    SkipDelimited(trimmed);
                    continue;
                }

                if (trimmed.StartsWith("//", StringComparison.Ordinal) ||
                    Directive().IsMatch(trimmed) ||
                    trimmed.StartsWith("image::", StringComparison.Ordinal) ||
                    trimmed.StartsWith("toc::", StringComparison.Ordinal))
                {
                    _i++;
                    continue;
                }

                var attribute = AttributeEntry().Match(trimmed);
                if (attribute.Success)
                {
                    _attributes[attribute.Groups[1].Value] = attribute.Groups[2].Value.Trim();
                    _i++;
                    continue;
                }

                if (BlockAttributes().IsMatch(trimmed))
                {
                    // [NOTE], [source,ini], [[anchor]], [width="80%",...]: they style the next block, which we read as text.
                    _i++;
                    continue;
                }

                var heading = SectionTitle().Match(trimmed);
                if (heading.Success)
                {
                    var level = heading.Groups[1].Value.Length - 1;
                    var headingText = CleanInline(heading.Groups[2].Value.TrimEnd('=', ' '));
                    _sections.Enter(level, headingText, level == 0);
                    _blocks.Add(new DocumentBlock(BlockKind.Heading, _sections.Path, headingText, _i + 1, _i + 1));
                    _pendingTitle = null;
                    _i++;
                    continue;
                }

                if (BlockTitle().IsMatch(trimmed))
                {
                    _pendingTitle = CleanInline(trimmed[1..]);
                    _pendingTitleLine = _i + 1;
                    _i++;
                    continue;
                }

                if (TableDelimiter().IsMatch(trimmed))
                {
                    ReadTable(trimmed);
                    continue;
                }

                if (DelimiterLine().IsMatch(trimmed))
                {
                    ReadDelimited(trimmed);
                    continue;
                }

                if (ListItem().IsMatch(line))
                {
                    ReadList();
                    continue;
                }

                if (char.IsWhiteSpace(line[0]))
                {
                    ReadLiteral();
                    continue;
                }

                ReadParagraph();
            }

            var title = _sections.Title is { } t ? t : Path.GetFileNameWithoutExtension(source);
            return new ParsedDocument(DocumentKind.Manual, title, _blocks, _attributes);
        }

        private void Add(BlockKind kind, string text, int start, int end)
        {
            text = text.Trim();
            if (_pendingTitle is not null)
            {
                text = _pendingTitle + "\n" + text;
                start = _pendingTitleLine;
                _pendingTitle = null;
            }

            if (text.Length > 0)
            {
                _blocks.Add(new DocumentBlock(kind, _sections.Path, text, start, end));
            }
        }

        private void SkipDelimited(string delimiter)
        {
            _i++;
            while (_i < lines.Length && lines[_i].TrimEnd() != delimiter)
            {
                _i++;
            }

            _i++;
        }

        private void ReadDelimited(string delimiter)
        {
            var start = _i + 1;
            var body = new List<string>();
            _i++;
            while (_i < lines.Length && lines[_i].TrimEnd() != delimiter)
            {
                body.Add(lines[_i]);
                _i++;
            }

            var end = Math.Min(_i + 1, lines.Length);
            _i++;

            switch (delimiter[0])
            {
                case '-' when delimiter.Length >= 4:
                case '.':
                    Add(BlockKind.Listing, string.Join('\n', body), start, end);
                    break;
                case '+':
                    // Passthrough (raw HTML): nothing a reader sees as text.
                    _pendingTitle = null;
                    break;
                default:
                    // Example, sidebar, quote and open blocks hold ordinary prose: keep it as one block.
                    var prose = string.Join('\n', body.Where(l => !BlockAttributes().IsMatch(l.Trim()) && !l.StartsWith("//", StringComparison.Ordinal)).Select(CleanInline));
                    Add(BlockKind.Paragraph, prose, start, end);
                    break;
            }
        }

        private void ReadTable(string delimiter)
        {
            var start = _i + 1;
            var separator = delimiter[0];
            var rows = new List<string>();
            _i++;
            while (_i < lines.Length && lines[_i].TrimEnd() != delimiter)
            {
                var row = lines[_i].Trim();
                _i++;
                if (row.Length == 0)
                {
                    continue;
                }

                var cells = row.Split(separator).Select(c => CleanInline(c.Trim()));
                if (separator == '|' && row.StartsWith('|'))
                {
                    cells = cells.Skip(1);
                }

                rows.Add(string.Join(" | ", cells));
            }

            var end = Math.Min(_i + 1, lines.Length);
            _i++;
            Add(BlockKind.Table, string.Join('\n', rows), start, end);
        }

        private void ReadList()
        {
            var start = _i + 1;
            var ordered = OrderedItem().IsMatch(lines[_i]);
            var body = new List<string>();
            while (_i < lines.Length)
            {
                var line = lines[_i];
                var trimmed = line.TrimEnd();
                if (trimmed.Length == 0)
                {
                    // A blank line ends the list unless another item or a continuation follows.
                    var next = _i + 1;
                    while (next < lines.Length && lines[next].Trim().Length == 0)
                    {
                        next++;
                    }

                    if (next < lines.Length && (ListItem().IsMatch(lines[next]) || lines[next].TrimEnd() == "+" || (lines[next].Length > 0 && char.IsWhiteSpace(lines[next][0]))))
                    {
                        _i = next;
                        continue;
                    }

                    break;
                }

                if (trimmed == "+")
                {
                    _i++;
                    if (_i < lines.Length && DelimiterLine().IsMatch(lines[_i].TrimEnd()))
                    {
                        var delimiter = lines[_i].TrimEnd();
                        _i++;
                        while (_i < lines.Length && lines[_i].TrimEnd() != delimiter)
                        {
                            body.Add(lines[_i]);
                            _i++;
                        }

                        _i++;
                    }

                    continue;
                }

                if (_i > start - 1 && (SectionTitle().IsMatch(trimmed) || TableDelimiter().IsMatch(trimmed) ||
                    (DelimiterLine().IsMatch(trimmed) && !trimmed.StartsWith("--", StringComparison.Ordinal)) || BlockAttributes().IsMatch(trimmed)))
                {
                    break;
                }

                if (!trimmed.StartsWith("//", StringComparison.Ordinal) && !Directive().IsMatch(trimmed) && !trimmed.StartsWith("image::", StringComparison.Ordinal))
                {
                    body.Add(ListItem().IsMatch(line) ? CleanInline(line.Trim()) : "   " + CleanInline(line.Trim()));
                }

                _i++;
            }

            Add(ordered ? BlockKind.Procedure : BlockKind.List, string.Join('\n', body), start, LastNonBlank(start, _i));
        }

        private void ReadLiteral()
        {
            var start = _i + 1;
            var body = new List<string>();
            while (_i < lines.Length && lines[_i].Trim().Length > 0)
            {
                body.Add(lines[_i]);
                _i++;
            }

            Add(BlockKind.Listing, string.Join('\n', body), start, _i);
        }

        private void ReadParagraph()
        {
            var start = _i + 1;
            var body = new StringBuilder();
            while (_i < lines.Length)
            {
                var trimmed = lines[_i].TrimEnd();
                if (trimmed.Length == 0 || (_i >= start && (SectionTitle().IsMatch(trimmed) || DelimiterLine().IsMatch(trimmed) ||
                    TableDelimiter().IsMatch(trimmed) || BlockAttributes().IsMatch(trimmed) || ListItem().IsMatch(lines[_i]))))
                {
                    break;
                }

                if (!trimmed.StartsWith("//", StringComparison.Ordinal))
                {
                    body.Append(CleanInline(trimmed)).Append('\n');
                }

                _i++;
            }

            Add(BlockKind.Paragraph, body.ToString(), start, Math.Max(start, _i));
        }

        private int LastNonBlank(int start, int exclusiveEnd)
        {
            var end = Math.Min(exclusiveEnd, lines.Length);
            while (end > start && lines[end - 1].Trim().Length == 0)
            {
                end--;
            }

            return Math.Max(start, end);
        }

        private string CleanInline(string text)
        {
            text = IndexTerm().Replace(text, "");
            text = Anchor().Replace(text, "");
            text = CrossReference().Replace(text, m => m.Groups[2].Success ? m.Groups[2].Value : m.Groups[1].Value);
            text = Macro().Replace(text, m => m.Groups[2].Value.Length > 0 ? m.Groups[2].Value : m.Groups[1].Value);
            text = AttributeReference().Replace(text, m => _attributes.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
            text = RoleSpan().Replace(text, "$1");
            text = Passthrough().Replace(text, "$1");
            text = Emphasis().Replace(text, "$1");
            if (text.EndsWith(" +", StringComparison.Ordinal))
            {
                text = text[..^2];
            }

            return text;
        }
    }

    [GeneratedRegex(@"^(ifdef|ifndef|ifeval|endif|include)::")]
    private static partial Regex Directive();

    [GeneratedRegex(@"^:([\w][\w-]*!?):(.*)$")]
    private static partial Regex AttributeEntry();

    [GeneratedRegex(@"^\[[^\[\]]*\]$|^\[\[[^\]]*\]\]$|^\[#[^\]]*\]$")]
    private static partial Regex BlockAttributes();

    [GeneratedRegex(@"^(={1,6})\s+(\S.*)$")]
    private static partial Regex SectionTitle();

    [GeneratedRegex(@"^\.[^.\s]")]
    private static partial Regex BlockTitle();

    [GeneratedRegex(@"^[|,:!]===+$")]
    private static partial Regex TableDelimiter();

    [GeneratedRegex(@"^(-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,}|--)$")]
    private static partial Regex DelimiterLine();

    [GeneratedRegex(@"^\s*(\*{1,5}|-|\.{1,5}|\d+\.|[a-z]\.)\s+\S")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^\s*(\.{1,5}|\d+\.)\s+\S")]
    private static partial Regex OrderedItem();

    [GeneratedRegex(@"\({3}[^)]*\){3}")]
    private static partial Regex IndexTerm();

    [GeneratedRegex(@"\[\[[^\]]*\]\]")]
    private static partial Regex Anchor();

    [GeneratedRegex(@"<<([^,>]+)(?:,\s*([^>]+))?>>")]
    private static partial Regex CrossReference();

    [GeneratedRegex(@"\b(?:link|xref|kbd|btn|menu|footnote|pass|https?|mailto):([^\[\s]*)\[([^\]]*)\]")]
    private static partial Regex Macro();

    // [yellow-background]#fnct_01_read_coils#; a bare #...# is left alone: G-code parameters are written #1, #<tool>.
    [GeneratedRegex(@"\[[\w.-]+\]#([^#\n]+)#")]
    private static partial Regex RoleSpan();

    // +prepare_prolog+ (literal passthrough around one term).
    [GeneratedRegex(@"(?<![\w+])\+(\w[^+\s]*)\+(?![\w+])")]
    private static partial Regex Passthrough();

    [GeneratedRegex(@"\{([\w-]+)\}")]
    private static partial Regex AttributeReference();

    [GeneratedRegex(@"(?<![\w*`])[*`]{1,2}([^*`\n]+?)[*`]{1,2}(?![\w*`])")]
    private static partial Regex Emphasis();
}
