using System.Text.RegularExpressions;
using Assistant.Core;
using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Assistant.Knowledge;
using Microsoft.Data.Sqlite;
using Xunit;
using Assistant.Core.Security;
using Assistant.Core.Answering.Retrieval;
using Assistant.Core.Answering.Composition;

namespace Assistant.Core.Tests;

/// <summary>The sample plant's knowledge folder indexed once into a temporary SQLite file, shared by the tests below.</summary>
public sealed class SamplePlantIndex : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "retrieval-only-" + Guid.NewGuid().ToString("n")[..12]);

    public IKnowledgeIndex Index { get; private set; } = null!;

    /// <summary>The SQLite file, for tests that compose the assistant around it.</summary>
    public string IndexPath => Path.Combine(_folder, "knowledge.db");

    public async Task InitializeAsync()
    {
        var contentRoot = AssistantPaths.FindContentRoot();
        var knowledge = KnowledgeBase.Open(KnowledgeSettings.For(Path.Combine(contentRoot, "knowledge"), IndexPath));
        var report = await knowledge.Ingestor.IngestAsync();
        Assert.True(report.PassagesWritten > 0, $"no passages were read from {contentRoot}/knowledge");
        Index = knowledge.Index;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed partial class RetrievalOnlyAnswerServiceTests(SamplePlantIndex plant) : IClassFixture<SamplePlantIndex>
{
    private readonly RetrievalOnlyAnswerService _service = new(plant.Index);

    [Fact]
    public async Task Answer_quotes_the_best_passages_and_cites_each_with_source_section_and_lines()
    {
        var answer = await _service.AskAsync(new AskRequest("E-217 spindle drive overtemperature on CNC-2, what do I check?"));

        Assert.Equal(AnswerModes.RetrievalOnly, answer.Mode);
        Assert.Equal(5, answer.Citations.Count);
        Assert.Equal([1, 2, 3, 4, 5], answer.Citations.Select(c => c.Number));
        Assert.Equal(
            answer.Citations.Select(c => c.Number),
            CitationMarker().Matches(answer.Text).Select(m => int.Parse(m.Groups[1].Value)));
        Assert.Contains(answer.Citations, c => c.Source == "manuals/cnc-machining-centre-vmc850.md" && c.Section.Contains("E-217", StringComparison.Ordinal));
        Assert.All(answer.Citations, c =>
        {
            Assert.True(c.LineStart >= 1 && c.LineEnd >= c.LineStart, $"citation {c.Number} has lines {c.LineStart}-{c.LineEnd}");
            Assert.False(string.IsNullOrWhiteSpace(c.Excerpt));
            Assert.Contains(c.Excerpt.TrimStart('…', ' ')[..20], answer.Text, StringComparison.Ordinal);
        });
        Assert.Empty(answer.ToolCalls);
    }

    [Fact]
    public async Task Citations_point_at_passages_the_index_can_show_in_context()
    {
        var answer = await _service.AskAsync(new AskRequest("lock-out procedure for the hydraulic press", TopK: 3));

        foreach (var citation in answer.Citations)
        {
            var context = await plant.Index.GetPassageAsync(citation.PassageId);
            Assert.NotNull(context);
            Assert.Equal(citation.Source, context.Passage.Source);
            Assert.Equal((citation.LineStart, citation.LineEnd), (context.Passage.LineStart, context.Passage.LineEnd));
        }
    }

    [Fact]
    public async Task Stream_yields_text_as_it_goes_and_the_answer_last()
    {
        var updates = new List<AnswerUpdate>();
        await foreach (var update in _service.StreamAsync(new AskRequest("hydraulic oil temperature high", TopK: 2)))
        {
            updates.Add(update);
        }

        var completed = Assert.IsType<AnswerCompleted>(updates[^1]);
        var deltas = updates.Take(updates.Count - 1).Select(u => Assert.IsType<AnswerTextDelta>(u).Text);
        Assert.Equal(completed.Answer.Text, string.Concat(deltas).TrimEnd());
        Assert.Equal(2, completed.Answer.Citations.Count);
    }

    [Fact]
    public async Task Machine_filter_keeps_other_machines_out()
    {
        var answer = await _service.AskAsync(new AskRequest("spindle overtemperature alarm", Machine: "CNC-2", TopK: 10));

        Assert.NotEmpty(answer.Citations);
        Assert.DoesNotContain(answer.Citations, c => c.Source.Contains("hydraulic-press", StringComparison.Ordinal) || c.Source.Contains("injection", StringComparison.Ordinal));
        foreach (var citation in answer.Citations.Where(c => c.Source.StartsWith("incidents/", StringComparison.Ordinal)))
        {
            var passage = (await plant.Index.GetPassageAsync(citation.PassageId, 0))!.Passage;
            Assert.Equal("CNC-2", passage.Machine);
        }
    }

    [Fact]
    public async Task A_recurring_fault_gets_the_manual_section_beside_the_incident_history()
    {
        var onlyIncidents = await plant.Index.SearchAsync(new SearchQuery("E-217 on CNC-2 again, what should I check?", 3, new SearchFilter(Machine: "CNC-2")));
        Assert.All(onlyIncidents, h => Assert.Equal(DocumentKind.Incident, h.Passage.Kind));

        var answer = await _service.AskAsync(new AskRequest("E-217 on CNC-2 again, what should I check?", Machine: "CNC-2", TopK: 3));

        Assert.Equal(3, answer.Citations.Count);
        Assert.Equal(onlyIncidents.Take(2).Select(h => h.Passage.Id), answer.Citations.Take(2).Select(c => c.PassageId));
        Assert.Equal("manuals/cnc-machining-centre-vmc850.md", answer.Citations[2].Source);
        Assert.Contains("E-217", answer.Citations[2].Section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_how_do_I_question_leads_with_the_manuals_procedure_not_old_repairs()
    {
        var plain = await plant.Index.SearchAsync(new SearchQuery("How do I change the return filter on HP-1?", 5, new SearchFilter(Machine: "HP-1")));
        Assert.DoesNotContain(plain, h => h.Passage.Section.Contains("Return filter element change", StringComparison.Ordinal));

        var answer = await _service.AskAsync(new AskRequest("How do I change the return filter on HP-1?", Machine: "HP-1", TopK: 5));

        Assert.Equal(DocumentKind.Manual.ToString(), KindOf(answer.Citations[0]));
        Assert.Contains(answer.Citations.Take(3), c => c.Section.Contains("Return filter element change", StringComparison.Ordinal));
        Assert.Contains(answer.Citations, c => c.Source.StartsWith("incidents/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("How do I lock out the press?", UserRole.Engineer, DocumentKind.Manual)]
    [InlineData("What does E-305 mean?", UserRole.Engineer, DocumentKind.Manual)]
    [InlineData("Why does IM-2 zone 3 keep failing?", UserRole.Technician, DocumentKind.Incident)]
    [InlineData("spindle hot on CNC-2", UserRole.Technician, DocumentKind.Manual)]
    [InlineData("spindle hot on CNC-2", UserRole.Engineer, DocumentKind.Incident)]
    public void The_question_and_then_the_role_decide_which_kind_of_document_leads(string question, UserRole role, DocumentKind expected) =>
        Assert.Equal(expected, EvidenceRetrieval.LeadingKind(question, role));

    private static string KindOf(Citation citation) =>
        citation.Source.StartsWith("incidents/", StringComparison.Ordinal) ? nameof(DocumentKind.Incident) : nameof(DocumentKind.Manual);

    [Fact]
    public async Task Engineers_get_the_evidence_wording()
    {
        var answer = await _service.AskAsync(new AskRequest("recurring E-217 root cause", Role: UserRole.Engineer));

        Assert.StartsWith("Evidence from the plant's manuals and incident records", answer.Text, StringComparison.Ordinal);
        Assert.Contains(answer.Citations, c => c.Source.StartsWith("incidents/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_match_says_so_and_cites_nothing()
    {
        var answer = await _service.AskAsync(new AskRequest("zyxwv qqqq"));

        Assert.Empty(answer.Citations);
        Assert.Contains("No passage", answer.Text, StringComparison.Ordinal);
        Assert.Equal(AnswerModes.RetrievalOnly, answer.Mode);
        Assert.NotEmpty(answer.Notes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_question_is_refused(string question)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _service.AskAsync(new AskRequest(question)));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Excerpt_of_a_long_passage_is_the_run_of_lines_about_the_question()
    {
        var lines = Enumerable.Range(1, 40).Select(i => i == 30 ? "Replace the chiller filter when flow drops below 8 l/min." : $"Line {i} about something else entirely.");
        var excerpt = RetrievalOnlyAnswerService.Excerpt(string.Join('\n', lines), RetrievalOnlyAnswerService.QuestionWords("chiller filter flow"));

        Assert.Contains("chiller filter", excerpt, StringComparison.Ordinal);
        Assert.StartsWith("… ", excerpt, StringComparison.Ordinal);
        Assert.True(excerpt.Length <= RetrievalOnlyAnswerService.ExcerptChars + 4, $"{excerpt.Length} characters");
    }

    [GeneratedRegex(@"^\[(\d+)\]", RegexOptions.Multiline)]
    private static partial Regex CitationMarker();
}
