using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;
using Assistant.Knowledge.Chunking;
using Assistant.Knowledge.Reading;

namespace Assistant.Knowledge.Tests;

/// <summary>The readers and the chunker on the sample plant's own manuals and incident logs (knowledge/ in the repository).</summary>
public sealed partial class SamplePlantContentTests
{
    private static string KnowledgeRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Assistant.sln")))
            {
                return Path.Combine(dir.FullName, "knowledge");
            }
        }

        throw new DirectoryNotFoundException("Assistant.sln not found above the test folder.");
    }

    public static TheoryData<string> Manuals() => [.. Directory.EnumerateFiles(Path.Combine(KnowledgeRoot(), "manuals"), "*.md").Select(f => Path.GetFileName(f)!)];

    [Theory]
    [MemberData(nameof(Manuals))]
    public void Every_fault_code_heading_becomes_an_addressable_passage(string file)
    {
        var text = File.ReadAllText(Path.Combine(KnowledgeRoot(), "manuals", file));
        var document = new MarkdownDocumentReader().Read("manuals/" + file, text);
        var chunks = new PassageChunker(1500).Chunk(document);
        var codes = FaultCodeHeading().Matches(text).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(document.Fields);
        Assert.False(string.IsNullOrWhiteSpace(document.Title));
        Assert.All(codes, code => Assert.Contains(chunks, c => c.SectionPath.Any(s => s.StartsWith(code, StringComparison.Ordinal))));
        Assert.All(chunks, c => Assert.True(c.Text.Length <= 1500, $"{file}:{c.LineStart} has {c.Text.Length} characters"));
        Assert.DoesNotContain(chunks, c => c.Text.TrimStart().StartsWith("---", StringComparison.Ordinal));

        // Numbered procedures are never cut: each chunk that holds step 1 of a list holds its last step too.
        var lines = text.Split('\n');
        foreach (var procedure in document.Blocks.Where(b => b.Kind == BlockKind.Procedure && b.Text.Length <= 1500))
        {
            Assert.Single(chunks, c => c.Text.Contains(procedure.Text, StringComparison.Ordinal));
            Assert.Matches(@"^\s*\d+[.)]", lines[procedure.LineStart - 1]);
        }
    }

    [Fact]
    public void Incident_logs_read_every_record_with_its_machine_and_line()
    {
        var records = Directory.EnumerateFiles(Path.Combine(KnowledgeRoot(), "incidents"), "*.csv")
            .SelectMany(f => new IncidentLogReader().Read("incidents/" + Path.GetFileName(f), File.ReadAllText(f)).Blocks)
            .ToList();

        Assert.True(records.Count >= 300, $"{records.Count} incidents");
        Assert.All(records, r => Assert.Matches("^INC-\\d+$", r.SectionPath[0]));
        Assert.All(records, r => Assert.False(string.IsNullOrEmpty(r.Machine)));
        Assert.All(records, r => Assert.False(string.IsNullOrEmpty(r.Line)));
        Assert.Equal(records.Count, records.Select(r => r.SectionPath[0]).Distinct().Count());
    }

    [GeneratedRegex(@"^#{2,4} (E-\d{3})\b", RegexOptions.Multiline)]
    private static partial Regex FaultCodeHeading();
}
