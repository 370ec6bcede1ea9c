using Assistant.Knowledge.Chunking;
using Assistant.Knowledge.Reading;

namespace Assistant.Knowledge.Tests;

/// <summary>The AsciiDoc reader and the chunker on the real LinuxCNC manual chapters.</summary>
public class AsciiDocReaderTests
{
    private readonly AsciiDocDocumentReader _reader = new();

    [Fact]
    public void Homing_chapter_keeps_title_heading_path_and_line_numbers()
    {
        var text = LinuxCncDocs.Read("config/ini-homing.adoc");
        var lines = text.Split('\n');
        var document = _reader.Read("config/ini-homing.adoc", text);

        Assert.Equal("Homing Configuration", document.Title);
        var heading = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Heading && b.Text == "HOME_SEARCH_VEL");
        Assert.Equal(["Configuration", "HOME_SEARCH_VEL"], heading.SectionPath);
        Assert.Equal("=== HOME_SEARCH_VEL", lines[heading.LineStart - 1].Trim());
        Assert.Equal("en", document.Fields["lang"]);
    }

    [Fact]
    public void Homing_type_table_is_one_whole_block_with_every_row()
    {
        var document = _reader.Read("config/ini-homing.adoc", LinuxCncDocs.Read("config/ini-homing.adoc"));

        var table = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Table && b.Text.Contains("Homing Type", StringComparison.Ordinal));
        Assert.Equal(["Configuration"], table.SectionPath);
        Assert.Contains("Immediate | 0 | 0 | NO", table.Text, StringComparison.Ordinal);
        Assert.Contains("Switch and Index | nonzero | nonzero | YES", table.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("|===", table.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Realtime_fault_steps_are_one_procedure_with_its_continuations()
    {
        var document = _reader.Read("help/rtfaults.adoc", LinuxCncDocs.Read("help/rtfaults.adoc"));

        var procedure = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Procedure);
        Assert.StartsWith("1. Get a version of LinuxCNC", procedure.Text, StringComparison.Ordinal);
        Assert.Contains("7. Use addr2line", procedure.Text, StringComparison.Ordinal);
        Assert.Contains("EXTRA_CFLAGS += -g", procedure.Text, StringComparison.Ordinal);
        Assert.Contains("always use hex addresses", procedure.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_is_stripped_from_text_and_headings()
    {
        var document = _reader.Read("config/ini-config.adoc", LinuxCncDocs.Read("config/ini-config.adoc"));

        Assert.Equal("INI Configuration", document.Title);
        Assert.DoesNotContain(document.Blocks, b => b.Text.Contains("(((", StringComparison.Ordinal) || b.Text.Contains("[[", StringComparison.Ordinal));
        Assert.Contains(document.Blocks, b => b.SectionPath.SequenceEqual(["INI File Sections", "[JOINT_<num>] Sections"]));
    }

    [Fact]
    public void Role_and_passthrough_markup_leave_plain_headings()
    {
        var mb2hal = _reader.Read("drivers/mb2hal.adoc", LinuxCncDocs.Read("drivers/mb2hal.adoc"));
        var remap = _reader.Read("remap/remap.adoc", LinuxCncDocs.Read("remap/remap.adoc"));

        Assert.Contains(mb2hal.Blocks, b => b.SectionPath.SequenceEqual(["Pins", "fnct_01_read_coils"]));
        Assert.Contains(remap.Blocks, b => b.SectionPath.LastOrDefault() == "T: prepare_prolog and prepare_epilog");
    }

    [Fact]
    public void Every_chapter_reads_and_chunks_within_bounds_with_valid_line_ranges()
    {
        var chunker = new PassageChunker(1500);
        var files = Directory.EnumerateFiles(LinuxCncDocs.Root, "*.adoc", SearchOption.AllDirectories).ToList();
        Assert.True(files.Count >= 80, $"expected the 82 LinuxCNC chapters, found {files.Count}");
        var chunkCount = 0;

        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var lineCount = text.Split('\n').Length;
            var source = Path.GetRelativePath(LinuxCncDocs.Root, file);
            var chunks = chunker.Chunk(_reader.Read(source, text));
            chunkCount += chunks.Count;

            foreach (var chunk in chunks)
            {
                Assert.InRange(chunk.LineStart, 1, lineCount);
                Assert.InRange(chunk.LineEnd, chunk.LineStart, lineCount);
                Assert.False(string.IsNullOrWhiteSpace(chunk.Text), $"{source}:{chunk.LineStart} is an empty passage");
                Assert.True(chunk.Text.Length <= 1500, $"{source}:{chunk.LineStart} has {chunk.Text.Length} characters");
            }
        }

        Assert.InRange(chunkCount, 1000, 3000);
    }
}
