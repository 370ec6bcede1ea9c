using Assistant.Core.Knowledge;
using Assistant.Knowledge.Chunking;
using Assistant.Knowledge.Reading;

namespace Assistant.Knowledge.Tests;

public class MarkdownHtmlTextReaderTests
{
    private static string Fixture(string relative) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "plant", relative));

    [Fact]
    public void Markdown_manual_reads_front_matter_headings_table_and_procedure()
    {
        var text = Fixture("manuals/press-hp400.md");
        var lines = text.Split('\n');
        var document = new MarkdownDocumentReader().Read("manuals/press-hp400.md", text);

        Assert.Equal("Hydraform HP-400 hydraulic press", document.Title);
        Assert.Equal("HP-1, HP-2", document.Fields["machines"]);
        Assert.Equal("hydraulic-press", document.Fields["machine_type"]);

        var procedure = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Procedure);
        Assert.Equal(["Safety", "Lock-out/tag-out"], procedure.SectionPath);
        Assert.StartsWith("1. Stop the press", procedure.Text, StringComparison.Ordinal);
        Assert.EndsWith("prove isolation.", procedure.Text, StringComparison.Ordinal);
        Assert.StartsWith("1. Stop the press", lines[procedure.LineStart - 1], StringComparison.Ordinal);
        Assert.StartsWith("5. Try to start", lines[procedure.LineEnd - 1], StringComparison.Ordinal);

        var faultTable = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Table && b.SectionPath.SequenceEqual(["Fault codes"]));
        Assert.Contains("E-140", faultTable.Text, StringComparison.Ordinal);
        Assert.Contains(document.Blocks, b => b.SectionPath.SequenceEqual(["Fault codes", "E-112 Oil temperature high"]));
    }

    [Fact]
    public void Markdown_fault_code_subsection_becomes_its_own_passage()
    {
        var document = new MarkdownDocumentReader().Read("manuals/press-hp400.md", Fixture("manuals/press-hp400.md"));
        var chunks = new PassageChunker(1500).Chunk(document);

        var e112 = Assert.Single(chunks, c => c.SectionPath.LastOrDefault() == "E-112 Oil temperature high");
        Assert.Contains("HF-0460", e112.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("E-140 Pressure", e112.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Text.Contains("title:", StringComparison.Ordinal));
    }

    [Fact]
    public void Unclosed_front_matter_is_a_malformed_file()
    {
        var error = Assert.Throws<InvalidDataException>(() => new MarkdownDocumentReader().Read("manuals/broken.md", "---\ntitle: x\n# Heading\ntext\n"));
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_page_keeps_heading_path_ordered_list_and_table()
    {
        var document = new HtmlDocumentReader().Read("manuals/robot-cell-rc6.html", Fixture("manuals/robot-cell-rc6.html"));

        Assert.Equal("PackCell RC-6 robot cell", document.Title);
        var steps = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Procedure);
        Assert.Equal(["Gripper", "Changing suction cups"], steps.SectionPath);
        Assert.StartsWith("1. Stop the cell", steps.Text, StringComparison.Ordinal);
        Assert.Contains("3. Fit new cups", steps.Text, StringComparison.Ordinal);
        var table = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Table);
        Assert.Contains("A-41 | Vacuum not reached", table.Text, StringComparison.Ordinal);
        Assert.Equal((9, 13), (steps.LineStart, steps.LineEnd));
    }

    [Fact]
    public void Plain_text_splits_paragraphs_and_spots_numbered_steps()
    {
        var document = new PlainTextDocumentReader().Read("notes/shift-handover.txt", Fixture("notes/shift-handover.txt"));

        Assert.Equal(3, document.Blocks.Count);
        Assert.Equal(BlockKind.Procedure, document.Blocks[2].Kind);
        Assert.Equal((6, 7), (document.Blocks[2].LineStart, document.Blocks[2].LineEnd));
        Assert.Equal(DocumentKind.Other, document.Kind);
    }

    [Fact]
    public void Incident_csv_handles_quotes_commas_and_line_breaks()
    {
        var document = new IncidentLogReader().Read("incidents/incidents.csv", Fixture("incidents/incidents.csv"));

        Assert.Equal(DocumentKind.Incident, document.Kind);
        Assert.Equal(5, document.Blocks.Count);
        var inc3 = document.Blocks[2];
        Assert.Equal(["INC-1003"], inc3.SectionPath);
        Assert.Equal("HP-2", inc3.Machine);
        Assert.Equal("PL1", inc3.Line);
        Assert.Equal("Pressure builds slowly,\npump whining", inc3.Fields!["symptom"]);
        Assert.Equal((4, 5), (inc3.LineStart, inc3.LineEnd));
        Assert.Equal("Robot drops cartons, \"vacuum low\" message", document.Blocks[4].Fields!["symptom"]);
        Assert.Contains("Root cause: Worn pump bearings", inc3.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Incident_jsonl_reads_one_record_per_line()
    {
        var document = new IncidentLogReader().Read("incidents/late.jsonl", Fixture("incidents/late.jsonl"));

        Assert.Equal(2, document.Blocks.Count);
        Assert.Equal("480", document.Blocks[0].Fields!["downtime_min"]);
        Assert.Equal("CNC-2", document.Blocks[0].Machine);
    }

    [Theory]
    [InlineData("incidents/bad.csv", "id,symptom\nINC-1,\"never closed\n", "never closed")]
    [InlineData("incidents/bad.csv", "id,symptom,action\nINC-1,too,many,fields\n", "has 4 fields")]
    [InlineData("incidents/bad.csv", "date,machine\n2025-01-01,HP-1\n", "no 'id' column")]
    [InlineData("incidents/bad.jsonl", "{\"id\": \"INC-1\", \"symptom\": \"x\"}\n{not json}\n", "line 2")]
    public void Malformed_incident_logs_are_refused_with_a_reason(string source, string text, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => new IncidentLogReader().Read(source, text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
