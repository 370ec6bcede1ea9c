using Assistant.Core.Knowledge;
using Assistant.Knowledge.Chunking;
using Assistant.Knowledge.Reading;

namespace Assistant.Knowledge.Tests;

public class PassageChunkerTests
{
    private static ParsedDocument Document(params DocumentBlock[] blocks) => new(DocumentKind.Manual, "T", blocks, new Dictionary<string, string>());

    [Fact]
    public void Long_section_is_cut_between_paragraphs_never_inside_the_table()
    {
        var paragraph = string.Join(' ', Enumerable.Repeat("The pump delivers oil to the main cylinder.", 8)); // ~350 chars
        var table = "| a | b |\n| --- | --- |\n" + string.Join('\n', Enumerable.Range(1, 12).Select(i => $"| row {i} | value {i} |"));
        var blocks = new List<DocumentBlock> { new(BlockKind.Heading, ["Pump"], "Pump", 1, 1) };
        for (var i = 0; i < 4; i++)
        {
            blocks.Add(new DocumentBlock(BlockKind.Paragraph, ["Pump"], paragraph, 2 + i * 2, 2 + i * 2));
        }

        blocks.Add(new DocumentBlock(BlockKind.Table, ["Pump"], table, 20, 33));
        var chunks = new PassageChunker(1000).Chunk(Document([.. blocks]));

        Assert.True(chunks.Count >= 2);
        Assert.All(chunks, c => Assert.True(c.Text.Length <= 1000));
        Assert.Single(chunks, c => c.Text.Contains("| row 1 |", StringComparison.Ordinal) && c.Text.Contains("| row 12 |", StringComparison.Ordinal));
        Assert.All(chunks, c => Assert.Equal(["Pump"], c.SectionPath));
        Assert.Equal(1, chunks[0].LineStart);
        Assert.Equal(33, chunks[^1].LineEnd);
    }

    [Fact]
    public void Table_longer_than_the_bound_is_cut_between_rows_with_its_header_repeated()
    {
        var table = "| code | meaning |\n| --- | --- |\n" + string.Join('\n', Enumerable.Range(100, 60).Select(i => $"| E-{i} | fault number {i} of the hydraulic unit |"));
        var chunks = new PassageChunker(600).Chunk(Document(new DocumentBlock(BlockKind.Table, ["Faults"], table, 10, 71)));

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c => Assert.StartsWith("| code | meaning |\n| --- | --- |", c.Text, StringComparison.Ordinal));
        Assert.All(chunks, c => Assert.True(c.Text.Length <= 600));
        var rows = chunks.SelectMany(c => c.Text.Split('\n').Skip(2)).ToList();
        Assert.Equal(60, rows.Count);
        Assert.Equal(chunks.OrderBy(c => c.LineStart).ToList(), chunks);
    }

    [Fact]
    public void Procedure_that_fits_stays_whole_in_a_passage_of_its_own()
    {
        var intro = new string('x', 700);
        var steps = string.Join('\n', Enumerable.Range(1, 6).Select(i => $"{i}. Step {i} of the lock-out"));
        var chunks = new PassageChunker(800).Chunk(Document(
            new DocumentBlock(BlockKind.Paragraph, ["LOTO"], intro, 1, 1),
            new DocumentBlock(BlockKind.Procedure, ["LOTO"], steps, 3, 8)));

        Assert.Equal(2, chunks.Count);
        Assert.Equal(steps, chunks[1].Text);
        Assert.Equal((3, 8), (chunks[1].LineStart, chunks[1].LineEnd));
    }

    [Fact]
    public void Records_are_never_merged()
    {
        var chunks = new PassageChunker().Chunk(new ParsedDocument(DocumentKind.Incident, "log", [
            new DocumentBlock(BlockKind.Record, ["INC-1"], "a", 2, 2, "HP-1", "PL1", new Dictionary<string, string> { ["id"] = "INC-1" }),
            new DocumentBlock(BlockKind.Record, ["INC-2"], "b", 3, 3, "HP-2", "PL1", new Dictionary<string, string> { ["id"] = "INC-2" }),
        ], new Dictionary<string, string>()));

        Assert.Equal(2, chunks.Count);
        Assert.Equal("HP-2", chunks[1].Machine);
    }
}
