using System.Diagnostics;
using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Assistant.Core.Security;

namespace Assistant.Knowledge.Evaluation;

/// <summary>How one answer's citations compare with the question's expected items.</summary>
/// <param name="Cited">Distinct passages the answer cites.</param>
/// <param name="CitedMatching">Of those, how many match some expected item.</param>
/// <param name="Expected">Expected items of the question.</param>
/// <param name="ExpectedMatched">Of those, how many some cited passage matches.</param>
/// <param name="Missed">Expected items no citation matches.</param>
/// <param name="Unexpected">Cited passages (<c>source#section</c>) that match no expected item.</param>
public sealed record CitationScore(
    int Cited,
    int CitedMatching,
    int Expected,
    int ExpectedMatched,
    IReadOnlyList<string> Missed,
    IReadOnlyList<string> Unexpected)
{
    /// <summary>Share of cited passages that are expected; null when the answer cites nothing (no precision to speak of).</summary>
    public double? Precision => Cited == 0 ? null : (double)CitedMatching / Cited;

    /// <summary>Share of expected items some citation covers; 0 when the answer cites nothing.</summary>
    public double Recall => Expected == 0 ? 0 : (double)ExpectedMatched / Expected;
}

/// <param name="Mode"><see cref="AnswerModes"/> of the answer.</param>
/// <param name="Elapsed">Wall time from asking to the finished answer.</param>
public sealed record AnswerResult(EvalQuestion Question, string Mode, TimeSpan Elapsed, CitationScore Score, IReadOnlyList<string> Notes);

/// <param name="WithoutCitations">Answers that cite nothing (escalations, refusals with no source, nothing found).</param>
/// <param name="Precision">Mean precision over the answers that cite something; null when none does.</param>
/// <param name="Recall">Mean recall over all answers (an answer citing nothing scores 0).</param>
/// <param name="Modes">How many answers came in each mode.</param>
public sealed record CitationSummary(
    int Questions,
    int WithoutCitations,
    double? Precision,
    double Recall,
    IReadOnlyDictionary<string, int> Modes,
    TimeSpan MeanElapsed,
    TimeSpan MedianElapsed,
    TimeSpan MaxElapsed,
    IReadOnlyList<AnswerResult> Results);

/// <summary>
/// Citation precision and recall of the answer pipeline on an eval set: each question is asked as a user would
/// ask it, and the passages the answer cites are checked against the expected items with the same matcher
/// retrieval is scored with (<see cref="RetrievalEvaluation.Matches"/>).
/// </summary>
public static class CitationEvaluation
{
    /// <summary>Passages an answer cites per question, as in the chat.</summary>
    public const int TopK = RetrievalEvaluation.RecallDepth;

    public static CitationScore Score(IReadOnlyList<Passage> cited, IReadOnlyList<string> expected)
    {
        // One passage cited under two numbers is still one source.
        var distinct = cited.DistinctBy(p => p.Id).ToList();
        var unexpected = distinct.Where(p => !expected.Any(e => RetrievalEvaluation.Matches(p, e))).Select(p => $"{p.Source}#{p.Section}").ToList();
        var missed = expected.Where(e => !distinct.Any(p => RetrievalEvaluation.Matches(p, e))).ToList();
        return new CitationScore(distinct.Count, distinct.Count - unexpected.Count, expected.Count, expected.Count - missed.Count, missed, unexpected);
    }

    public static async Task<AnswerResult> EvaluateAsync(
        IAnswerService answers, IKnowledgeIndex index, EvalQuestion question, bool useMachineFilter = true, CancellationToken cancellationToken = default)
    {
        var request = new AskRequest(
            question.Question,
            useMachineFilter && !string.IsNullOrWhiteSpace(question.Machine) ? question.Machine : null,
            TopK,
            RoleOf(question));
        var clock = Stopwatch.StartNew();
        var answer = await answers.AskAsync(request, cancellationToken);
        clock.Stop();

        var cited = new List<Passage>();
        var notes = new List<string>(answer.Notes);
        foreach (var citation in answer.Citations)
        {
            // The index holds the section path the matcher needs; a citation's display section is only its joined form.
            var passage = (await index.GetPassageAsync(citation.PassageId, 0, cancellationToken))?.Passage;
            if (passage is null)
            {
                notes.Add($"citation [{citation.Number}] names passage {citation.PassageId}, which the index does not hold; counted as not expected");
                passage = new Passage(citation.PassageId, citation.Source, DocumentKind.Other, citation.Title, [], citation.LineStart, citation.LineEnd, citation.Excerpt);
            }

            cited.Add(passage);
        }

        return new AnswerResult(question, answer.Mode, clock.Elapsed, Score(cited, question.Expected), notes);
    }

    public static async Task<CitationSummary> RunAsync(
        IAnswerService answers,
        IKnowledgeIndex index,
        IReadOnlyList<EvalQuestion> questions,
        bool useMachineFilter = true,
        Action<AnswerResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var results = new List<AnswerResult>();
        foreach (var question in questions)
        {
            var result = await EvaluateAsync(answers, index, question, useMachineFilter, cancellationToken);
            results.Add(result);
            progress?.Invoke(result);
        }

        return Summarize(results);
    }

    /// <summary>The figures over any set of answers: one eval set, or several pooled.</summary>
    public static CitationSummary Summarize(IReadOnlyList<AnswerResult> results)
    {
        var precisions = results.Select(r => r.Score.Precision).OfType<double>().ToList();
        var times = results.Select(r => r.Elapsed).Order().ToList();
        return new CitationSummary(
            results.Count,
            results.Count(r => r.Score.Cited == 0),
            precisions.Count == 0 ? null : precisions.Average(),
            results.Count == 0 ? 0 : results.Average(r => r.Score.Recall),
            results.GroupBy(r => r.Mode).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            times.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)times.Average(t => t.Ticks)),
            times.Count == 0 ? TimeSpan.Zero : (times[(times.Count - 1) / 2] + times[times.Count / 2]) / 2,
            times.Count == 0 ? TimeSpan.Zero : times[^1],
            results);
    }

    private static UserRole RoleOf(EvalQuestion question) =>
        question.Role is null ? UserRole.Technician
        : Enum.TryParse<UserRole>(question.Role, ignoreCase: true, out var role) ? role
        : throw new InvalidDataException($"Eval question {question.Id} has role '{question.Role}'; use technician or engineer.");
}
