using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Assistant.Core.Knowledge;

namespace Assistant.Knowledge.Reading;

/// <summary>HTML pages (AngleSharp): headings give the section path; tables, lists and preformatted text stay whole.</summary>
public sealed class HtmlDocumentReader : IDocumentReader
{
    public IReadOnlyCollection<string> Extensions { get; } = [".html", ".htm"];

    public ParsedDocument Read(string source, string text)
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsKeepingSourceReferences = true });
        var document = parser.ParseDocument(text);
        var sections = new SectionTracker();
        var blocks = new List<DocumentBlock>();
        var titleElement = document.Title;

        if (document.Body is { } body)
        {
            Walk(body, sections, blocks, titleElement is null or "");
        }

        var title = !string.IsNullOrWhiteSpace(titleElement) ? titleElement.Trim() : sections.Title ?? Path.GetFileNameWithoutExtension(source);
        return new ParsedDocument(DocumentKind.Manual, title, blocks, new Dictionary<string, string>());
    }

    private static void Walk(IElement container, SectionTracker sections, List<DocumentBlock> blocks, bool h1IsTitle)
    {
        foreach (var element in container.Children)
        {
            var (start, end) = Lines(element);
            switch (element.LocalName)
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    var level = element.LocalName[1] - '0';
                    var heading = Normalize(element.TextContent);
                    sections.Enter(level, heading, level == 1 && (h1IsTitle || sections.Title is null));
                    blocks.Add(new DocumentBlock(BlockKind.Heading, sections.Path, heading, start, end));
                    break;
                case "table":
                    var rows = element.QuerySelectorAll("tr")
                        .Select(tr => string.Join(" | ", tr.Children.Where(c => c.LocalName is "td" or "th").Select(c => Normalize(c.TextContent))));
                    Add(blocks, BlockKind.Table, sections, string.Join('\n', rows), start, end);
                    break;
                case "ol" or "ul":
                    var ordered = element.LocalName == "ol";
                    var items = element.Children.Where(c => c.LocalName == "li")
                        .Select((li, n) => (ordered ? $"{n + 1}. " : "- ") + Normalize(li.TextContent));
                    Add(blocks, ordered ? BlockKind.Procedure : BlockKind.List, sections, string.Join('\n', items), start, end);
                    break;
                case "pre":
                    Add(blocks, BlockKind.Listing, sections, element.TextContent.Trim('\n'), start, end);
                    break;
                case "script" or "style" or "nav" or "template" or "noscript":
                    break;
                case "p" or "blockquote" or "dl" or "figcaption" or "address":
                    Add(blocks, BlockKind.Paragraph, sections, Normalize(element.TextContent), start, end);
                    break;
                default:
                    if (element.Children.Length > 0)
                    {
                        Walk(element, sections, blocks, h1IsTitle);
                    }
                    else
                    {
                        Add(blocks, BlockKind.Paragraph, sections, Normalize(element.TextContent), start, end);
                    }

                    break;
            }
        }
    }

    private static void Add(List<DocumentBlock> blocks, BlockKind kind, SectionTracker sections, string text, int start, int end)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            blocks.Add(new DocumentBlock(kind, sections.Path, text.Trim(), start, end));
        }
    }

    private static (int Start, int End) Lines(IElement element)
    {
        var start = element.SourceReference?.Position.Line ?? 1;
        var newlines = element.OuterHtml.Count(c => c == '\n');
        return (start, start + newlines);
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
