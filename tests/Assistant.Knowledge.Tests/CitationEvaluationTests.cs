using Assistant.Core;
using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Assistant.Knowledge.Evaluation;
using Assistant.Core.Answering.Composition;

namespace Assistant.Knowledge.Tests;

/// <summary>Citation precision and recall: the arithmetic on hand-made citations, then the real retrieval-only answers on the sample plant.</summary>
public sealed class CitationEvaluationTests
{
    private const string Press = "manuals/hydraulic-press-hp400.md";
    private const string Incidents = "incidents/press-and-machining.csv";

    private static Passage Section(string id, string source, params string[] sections) =>
        new(id, source, DocumentKind.Manual, "HP-400 manual", sections, 1, 2, "text");

    private static AnswerResult Answered(string id, string mode, double seconds, CitationScore score) =>
        new(new EvalQuestion(id, "q", ["x"]), mode, TimeSpan.FromSeconds(seconds), score, []);

    [Fact]
    public void Precision_is_expected_citations_over_all_citations_and_recall_expected_items_covered()
    {
        var score = CitationEvaluation.Score(
            [Section("a", Press, "Fault codes", "E-110 Accumulator pressure low"), Section("b", Press, "Fault codes", "E-109 Pump")],
            [$"{Press}#E-110"]);

        Assert.Equal((2, 1, 1, 1), (score.Cited, score.CitedMatching, score.Expected, score.ExpectedMatched));
        Assert.Equal(0.5, score.Precision);
        Assert.Equal(1.0, score.Recall);
        Assert.Empty(score.Missed);
        Assert.Equal([$"{Press}#Fault codes › E-109 Pump"], score.Unexpected);
    }

    [Fact]
    public void An_expected_item_no_citation_covers_is_missed_and_lowers_recall_only()
    {
        var score = CitationEvaluation.Score(
            [Section("a", Press, "Lock-out/tag-out procedure")],
            [$"{Press}#Lock-out", $"{Incidents}#INC-1093"]);

        Assert.Equal(1.0, score.Precision);
        Assert.Equal(0.5, score.Recall);
        Assert.Equal([$"{Incidents}#INC-1093"], score.Missed);
    }

    [Fact]
    public void A_passage_cited_twice_counts_once_and_two_passages_under_one_item_cover_it_once()
    {
        var e110 = Section("a", Press, "Fault codes", "E-110 Accumulator pressure low");
        var e110Steps = Section("c", Press, "Fault codes", "E-110 Accumulator pressure low", "Checks");
        var score = CitationEvaluation.Score([e110, e110, e110Steps, Section("b", "manuals/other.md", "E-110")], [$"{Press}#E-110"]);

        Assert.Equal(3, score.Cited);
        Assert.Equal(2, score.CitedMatching);
        Assert.Equal(2.0 / 3, score.Precision!.Value, 10);
        Assert.Equal(1, score.ExpectedMatched);
        Assert.Equal(1.0, score.Recall);
    }

    [Fact]
    public void An_answer_citing_nothing_has_no_precision_and_zero_recall()
    {
        var score = CitationEvaluation.Score([], [$"{Press}#E-110"]);

        Assert.Null(score.Precision);
        Assert.Equal(0.0, score.Recall);
        Assert.Equal([$"{Press}#E-110"], score.Missed);
    }

    [Fact]
    public void Summary_counts_uncited_answers_apart_from_precision_but_in_recall()
    {
        var cites = CitationEvaluation.Score([Section("a", Press, "E-110"), Section("b", Press, "E-109")], [$"{Press}#E-110"]);
        var citesAll = CitationEvaluation.Score([Section("a", Press, "E-110")], [$"{Press}#E-110", $"{Press}#E-109"]);
        var escalated = CitationEvaluation.Score([], [$"{Press}#E-110"]);

        var summary = CitationEvaluation.Summarize([
            Answered("q1", AnswerModes.Model, 3, cites),
            Answered("q2", AnswerModes.Model, 1, citesAll),
            Answered("q3", AnswerModes.RetrievalOnly, 2, escalated),
        ]);

        Assert.Equal(3, summary.Questions);
        Assert.Equal(1, summary.WithoutCitations);
        Assert.Equal((0.5 + 1.0) / 2, summary.Precision);
        Assert.Equal((1.0 + 0.5 + 0.0) / 3, summary.Recall, 10);
        Assert.Equal(2, summary.Modes[AnswerModes.Model]);
        Assert.Equal(1, summary.Modes[AnswerModes.RetrievalOnly]);
        Assert.Equal(TimeSpan.FromSeconds(2), summary.MeanElapsed);
        Assert.Equal(TimeSpan.FromSeconds(2), summary.MedianElapsed);
        Assert.Equal(TimeSpan.FromSeconds(3), summary.MaxElapsed);
    }

    [Fact]
    public void Summary_of_answers_that_all_cite_nothing_has_no_precision()
    {
        var summary = CitationEvaluation.Summarize([Answered("q1", AnswerModes.Model, 1, CitationEvaluation.Score([], ["a.md#x"]))]);

        Assert.Null(summary.Precision);
        Assert.Equal(0.0, summary.Recall);
        Assert.Equal(1, summary.WithoutCitations);
    }

    [Fact]
    public async Task Retrieval_only_answers_on_the_sample_plant_cite_the_expected_sources()
    {
        using var temp = new TempFolder();
        var root = AssistantPaths.FindContentRoot();
        var knowledge = KnowledgeBase.Open(KnowledgeSettings.For(Path.Combine(root, "knowledge"), temp.Combine("knowledge.db")));
        await knowledge.Ingestor.IngestAsync();
        var questions = Directory.EnumerateFiles(Path.Combine(root, "knowledge", "eval"), "*.jsonl")
            .Where(f => !Path.GetFileName(f).StartsWith("linuxcnc", StringComparison.Ordinal))
            .SelectMany(RetrievalEvaluation.Load)
            .ToList();

        var summary = await CitationEvaluation.RunAsync(new RetrievalOnlyAnswerService(knowledge.Index), knowledge.Index, questions);

        Assert.True(questions.Count >= 100, $"{questions.Count} questions");
        Assert.Equal(questions.Count, summary.Modes[AnswerModes.RetrievalOnly]);
        // Five citations per answer against mostly one expected item: precision is low by construction but not zero.
        Assert.InRange(summary.Precision!.Value, 0.15, 1.0);
        Assert.True(summary.Recall > 0.8, $"citation recall {summary.Recall:0.000}");
        Assert.True(summary.WithoutCitations <= questions.Count / 20, $"{summary.WithoutCitations} answers cite nothing");
        var e110 = Assert.Single(summary.Results, r => r.Question.Id == "hp-01");
        Assert.Equal(1.0, e110.Score.Recall);
    }
}
