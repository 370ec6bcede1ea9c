using Assistant.Core.Knowledge;
using Microsoft.Data.Sqlite;

namespace Assistant.Knowledge.Tests;

/// <summary>Ingestion into a real SQLite file and search over it, on the small sample plant fixture.</summary>
public sealed class KnowledgeIndexTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _root;

    public KnowledgeIndexTests() => _root = _temp.WithPlantFixture();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ingests_every_reader_kind_and_leaves_out_eval_readings_and_plant_json()
    {
        var knowledge = _temp.OpenPlant();
        var report = await knowledge.Ingestor.IngestAsync();

        Assert.Equal(6, report.FilesRead);
        Assert.Empty(report.Skipped);
        var status = await knowledge.Index.GetStatusAsync();
        Assert.Equal(6, status.Documents);
        Assert.Equal(report.PassagesWritten, status.Passages);
        Assert.NotNull(status.LastIngested);
        Assert.False(status.VectorsAvailable);
        Assert.Empty(await knowledge.Index.SearchAsync(new SearchQuery("248.1 52.3", 5)));
    }

    [Fact]
    public async Task Fault_code_query_finds_the_manual_section_and_the_incidents()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();

        var hits = await knowledge.Index.SearchAsync(new SearchQuery("E-217 spindle drive too hot", 5));

        Assert.Equal("manuals/cnc-vmc850.md", hits[0].Passage.Source);
        Assert.Equal(["Fault codes", "E-217 Spindle drive overtemperature"], hits[0].Passage.SectionPath);
        Assert.Contains(hits, h => h.Passage.SectionPath.SequenceEqual(["INC-1002"]));
        Assert.Contains(hits, h => h.Passage.SectionPath.SequenceEqual(["INC-1006"]));
        Assert.True(hits[0].Score >= hits[^1].Score);
    }

    [Fact]
    public async Task Stemming_meets_other_word_forms()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();

        // The manual says "bearings" and "whining"; the question says "bearing" and "whines".
        var hits = await knowledge.Index.SearchAsync(new SearchQuery("pump whines, bearing worn?", 3, new SearchFilter(Kind: DocumentKind.Manual)));

        Assert.Equal(["Fault codes", "E-140 Pressure not reached"], hits[0].Passage.SectionPath);
    }

    [Fact]
    public async Task Machine_line_and_kind_filters_use_plant_layout_and_incident_fields()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();

        var forPress = await knowledge.Index.SearchAsync(new SearchQuery("filter fan temperature E-112 E-217", 20, new SearchFilter(Machine: "HP-1")));
        Assert.NotEmpty(forPress);
        Assert.DoesNotContain(forPress, h => h.Passage.Source == "manuals/cnc-vmc850.md");
        Assert.DoesNotContain(forPress, h => h.Passage.Machine is "CNC-2" or "HP-2");
        Assert.Contains(forPress, h => h.Passage.SectionPath.SequenceEqual(["INC-1001"]));

        var machiningLine = await knowledge.Index.SearchAsync(new SearchQuery("filter fan temperature E-112 E-217", 20, new SearchFilter(Line: "ml2")));
        Assert.Contains(machiningLine, h => h.Passage.Source == "manuals/cnc-vmc850.md");
        Assert.DoesNotContain(machiningLine, h => h.Passage.Source == "manuals/press-hp400.md");

        var incidentsOnly = await knowledge.Index.SearchAsync(new SearchQuery("E-217", 20, new SearchFilter(Kind: DocumentKind.Incident)));
        Assert.NotEmpty(incidentsOnly);
        Assert.All(incidentsOnly, h => Assert.Equal(DocumentKind.Incident, h.Passage.Kind));

        // Shift notes name no machine: plant-wide, so they pass a machine filter.
        var notes = await knowledge.Index.SearchAsync(new SearchQuery("accumulator nitrogen shift", 5, new SearchFilter(Machine: "CNC-1")));
        Assert.Contains(notes, h => h.Passage.Source == "notes/shift-handover.txt");
    }

    [Fact]
    public async Task Passage_in_context_has_its_neighbours_from_the_same_file()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();
        var hit = (await knowledge.Index.SearchAsync(new SearchQuery("E-112 oil temperature high cooler", 1, new SearchFilter(Kind: DocumentKind.Manual))))[0];

        var context = await knowledge.Index.GetPassageAsync(hit.Passage.Id, neighbours: 1);

        Assert.NotNull(context);
        Assert.Equal(hit.Passage.Id, context.Passage.Id);
        Assert.Single(context.Before);
        Assert.Single(context.After);
        Assert.All(context.Before.Concat(context.After), p => Assert.Equal(hit.Passage.Source, p.Source));
        Assert.True(context.Before[0].LineEnd <= context.Passage.LineStart);
        Assert.True(context.After[0].LineStart >= context.Passage.LineEnd);
        Assert.Null(await knowledge.Index.GetPassageAsync("no-such-id"));
    }

    [Fact]
    public async Task Machines_come_from_plant_layout_and_ingested_metadata()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();

        var machines = await knowledge.Index.GetMachinesAsync();

        Assert.Contains("HP-1", machines);
        Assert.Contains("RC-1", machines);
        Assert.Contains("PL1", machines);
        Assert.Contains("ML2", machines);
        Assert.DoesNotContain("HP-9", machines);
    }

    [Fact]
    public async Task Index_persists_on_disk_and_a_new_process_view_reads_it()
    {
        var first = _temp.OpenPlant();
        var report = await first.Ingestor.IngestAsync();
        SqliteConnection.ClearAllPools();

        var reopened = _temp.OpenPlant();
        Assert.False(await reopened.Ingestor.IsStaleAsync());
        var again = await reopened.Ingestor.IngestAsync();
        var hits = await reopened.Index.SearchAsync(new SearchQuery("suction cups vacuum", 3));

        Assert.Equal(0, again.FilesRead);
        Assert.Equal(report.FilesRead, again.FilesUnchanged);
        Assert.Equal("manuals/robot-cell-rc6.html", hits[0].Passage.Source);
    }

    [Fact]
    public async Task Only_changed_files_are_read_again_and_deleted_files_leave_the_index()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();

        var manual = Path.Combine(_root, "manuals", "cnc-vmc850.md");
        File.AppendAllText(manual, "\n### E-999 Coolant pump overload\n\nThe coolant pump motor protection tripped; check impeller for swarf.\n");
        File.Delete(Path.Combine(_root, "manuals", "robot-cell-rc6.html"));
        Assert.True(await knowledge.Ingestor.IsStaleAsync());

        var report = await knowledge.Ingestor.IngestAsync();

        Assert.Equal(1, report.FilesRead);
        Assert.Equal(1, report.FilesRemoved);
        Assert.Equal(4, report.FilesUnchanged);
        Assert.False(await knowledge.Ingestor.IsStaleAsync());
        var added = await knowledge.Index.SearchAsync(new SearchQuery("E-999 impeller swarf", 1));
        Assert.Equal("E-999 Coolant pump overload", added[0].Passage.SectionPath[^1]);
        Assert.DoesNotContain(await knowledge.Index.SearchAsync(new SearchQuery("suction cups vacuum", 10)), h => h.Passage.Source.EndsWith(".html", StringComparison.Ordinal));
        Assert.Equal(5, (await knowledge.Index.GetStatusAsync()).Documents);
    }

    [Fact]
    public async Task A_touched_file_with_the_same_bytes_is_not_chunked_again()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();
        var before = (await knowledge.Index.SearchAsync(new SearchQuery("E-305 drawbar", 1)))[0].Passage.Id;

        File.SetLastWriteTimeUtc(Path.Combine(_root, "manuals", "cnc-vmc850.md"), DateTime.UtcNow.AddMinutes(5));
        Assert.True(await knowledge.Ingestor.IsStaleAsync());
        var report = await knowledge.Ingestor.IngestAsync();

        Assert.Equal(0, report.FilesRead);
        Assert.Equal(6, report.FilesUnchanged);
        Assert.False(await knowledge.Ingestor.IsStaleAsync());
        Assert.Equal(before, (await knowledge.Index.SearchAsync(new SearchQuery("E-305 drawbar", 1)))[0].Passage.Id);
    }

    [Fact]
    public async Task A_malformed_file_is_skipped_with_its_reason_and_the_rest_goes_on()
    {
        File.WriteAllText(Path.Combine(_root, "incidents", "broken.csv"), "id,symptom,action\nINC-9,\"unterminated,action\n");
        File.WriteAllBytes(Path.Combine(_root, "manuals", "binary.md"), [0x23, 0x20, 0xff, 0xfe, 0x00, 0x01]);
        var knowledge = _temp.OpenPlant();

        var report = await knowledge.Ingestor.IngestAsync();

        Assert.Equal(6, report.FilesRead);
        Assert.Equal(2, report.Skipped.Count);
        Assert.Contains(report.Skipped, s => s.Path == "incidents/broken.csv" && s.Reason.Contains("never closed", StringComparison.Ordinal));
        Assert.Contains(report.Skipped, s => s.Path == "manuals/binary.md" && s.Reason.Contains("UTF-8", StringComparison.Ordinal));
        Assert.NotEmpty(await knowledge.Index.SearchAsync(new SearchQuery("E-217", 1)));

        // Not read again until it changes, so a start-up check does not find the index stale forever.
        Assert.False(await knowledge.Ingestor.IsStaleAsync());
        File.WriteAllText(Path.Combine(_root, "incidents", "broken.csv"), "id,symptom,action\nINC-9,coolant leak,replaced hose\n");
        var fixedReport = await knowledge.Ingestor.IngestAsync();
        Assert.Equal(1, fixedReport.FilesRead);
        Assert.Empty(fixedReport.Skipped);
        Assert.Equal(["INC-9"], (await knowledge.Index.SearchAsync(new SearchQuery("coolant hose leak", 1)))[0].Passage.SectionPath);
    }

    [Fact]
    public async Task A_question_without_any_term_finds_nothing_instead_of_failing()
    {
        var knowledge = _temp.OpenPlant();
        await knowledge.Ingestor.IngestAsync();

        Assert.Empty(await knowledge.Index.SearchAsync(new SearchQuery("what is the ... ?", 5)));
        Assert.Empty(await knowledge.Index.SearchAsync(new SearchQuery("\"OR\" NEAR( * ^", 5)));
    }
}

public sealed class IndexStatisticsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Rewriting_every_file_in_place_ranks_exactly_like_a_fresh_index()
    {
        var root = _temp.WithPlantFixture();
        var inPlace = KnowledgeBase.Open(KnowledgeSettings.For(root, _temp.Combine("in-place.db")));
        await inPlace.Ingestor.IngestAsync();
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories).Where(f => !f.Contains("eval") && !f.Contains("readings") && !f.EndsWith(".json")))
        {
            File.AppendAllText(file, "\n");
        }

        var report = await inPlace.Ingestor.IngestAsync();
        Assert.Equal(6, report.FilesRead);
        var fresh = KnowledgeBase.Open(KnowledgeSettings.For(root, _temp.Combine("fresh.db")));
        await fresh.Ingestor.IngestAsync();

        foreach (var question in new[] { "E-217 spindle drive too hot", "pump whining pressure", "filter fan temperature E-112", "suction cups vacuum robot" })
        {
            var a = await inPlace.Index.SearchAsync(new Core.Knowledge.SearchQuery(question, 10));
            var b = await fresh.Index.SearchAsync(new Core.Knowledge.SearchQuery(question, 10));
            Assert.Equal(b.Select(h => (h.Passage.Source, h.Passage.Section)), a.Select(h => (h.Passage.Source, h.Passage.Section)));
            Assert.Equal(b.Select(h => Math.Round(h.Score, 9)), a.Select(h => Math.Round(h.Score, 9)));
        }
    }
}
