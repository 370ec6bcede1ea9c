using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace Assistant.Knowledge.Reading;

/// <summary>Markdown manuals (Markdig): front matter, heading path, pipe tables and numbered procedures as whole blocks.</summary>
public sealed partial class MarkdownDocumentReader : IDocumentReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .UseGridTables()
        .Build();

    public IReadOnlyCollection<string> Extensions { get; } = [".md", ".markdown"];

    public ParsedDocument Read(string source, string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        FrontMatter.Read(LineMap.SplitLines(text), fields, source);

        var document = Markdown.Parse(text, Pipeline);
        var lines = new LineMap(text);
        var sections = new SectionTracker();
        var blocks = new List<DocumentBlock>();

        foreach (var block in document)
        {
            if (block is YamlFrontMatterBlock or ThematicBreakBlock or LinkReferenceDefinitionGroup)
            {
                continue;
            }

            var lineStart = block.Line + 1;
            var lineEnd = lines.LineOf(Math.Max(block.Span.Start, block.Span.End));
            var raw = text.Substring(block.Span.Start, Math.Max(0, Math.Min(text.Length, block.Span.End + 1) - block.Span.Start)).TrimEnd();

            if (block is HeadingBlock heading)
            {
                var title = HeadingText(raw);
                sections.Enter(heading.Level, title, heading.Level == 1);
                blocks.Add(new DocumentBlock(BlockKind.Heading, sections.Path, title, lineStart, lineEnd));
                continue;
            }

            var kind = block switch
            {
                Table => BlockKind.Table,
                ListBlock { IsOrdered: true } => BlockKind.Procedure,
                ListBlock => BlockKind.List,
                CodeBlock => BlockKind.Listing,
                _ => BlockKind.Paragraph,
            };

            if (raw.Length > 0)
            {
                blocks.Add(new DocumentBlock(kind, sections.Path, raw, lineStart, lineEnd));
            }
        }

        var documentTitle = fields.GetValueOrDefault("title") ?? sections.Title ?? Path.GetFileNameWithoutExtension(source);
        return new ParsedDocument(DocumentKind.Manual, documentTitle, blocks, fields);
    }

    private static string HeadingText(string raw)
    {
        var firstLine = raw.Split('\n')[0].Trim();
        var text = firstLine.TrimStart('#').Trim().TrimEnd('#').Trim();
        return Markup().Replace(text, "");
    }

    [GeneratedRegex(@"[*`]")]
    private static partial Regex Markup();
}
