using System.Text.Json;
using System.Text.Json.Serialization;
using Assistant.Core.Knowledge;

namespace Assistant.Knowledge.Evaluation;

/// <summary>One line of an eval set: a question and the source sections or records that answer it.</summary>
/// <param name="Expected">Items <c>path#key</c>: the passage's source is <c>path</c> and a heading in its section path starts with <c>key</c>.</param>
public sealed record EvalQuestion(
    string Id,
    string Question,
    IReadOnlyList<string> Expected,
    string? Role = null,
    string? Machine = null);

/// <param name="Rank">1-based rank of the first passage that matches an expected item; null when none in the top 10.</param>
public sealed record QuestionResult(EvalQuestion Question, double RecallAt5, int? Rank, IReadOnlyList<string> MissedAt5, IReadOnlyList<Passage> Top5);

public sealed record EvalSummary(int Questions, double RecallAt5, double Mrr, IReadOnlyList<QuestionResult> Results);

/// <summary>Recall@5 and MRR (over the top 10) of the index on an eval set.</summary>
public static class RetrievalEvaluation
{
    public const int RecallDepth = 5;
    public const int RankDepth = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static List<EvalQuestion> Load(string path)
    {
        var questions = new List<EvalQuestion>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            EvalQuestion? question;
            try
            {
                question = JsonSerializer.Deserialize<EvalQuestion>(line, Json);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path}: line {lineNumber} is not a valid eval question ({ex.Message}).", ex);
            }

            if (question is null || string.IsNullOrWhiteSpace(question.Question) || question.Expected is not { Count: > 0 })
            {
                throw new InvalidDataException($"{path}: line {lineNumber} needs a question and at least one expected item.");
            }

            questions.Add(question with { Id = question.Id ?? $"line-{lineNumber}" });
        }

        return questions;
    }

    public static bool Matches(Passage passage, string expected)
    {
        var hash = expected.IndexOf('#', StringComparison.Ordinal);
        var path = hash < 0 ? expected : expected[..hash];
        if (!string.Equals(passage.Source, path.Replace('\\', '/'), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (hash < 0)
        {
            return true;
        }

        var key = expected[(hash + 1)..].Trim();
        return passage.SectionPath.Any(s => s.StartsWith(key, StringComparison.OrdinalIgnoreCase));
    }

    public static async Task<EvalSummary> RunAsync(IKnowledgeIndex index, IReadOnlyList<EvalQuestion> questions, bool useMachineFilter = true, CancellationToken cancellationToken = default)
    {
        var results = new List<QuestionResult>();
        foreach (var question in questions)
        {
            var filter = useMachineFilter && !string.IsNullOrWhiteSpace(question.Machine) ? new SearchFilter(Machine: question.Machine) : null;
            // Two searches, as a user would see them: the top 5 an answer cites, and the top 10 for the rank.
            var top = (await index.SearchAsync(new SearchQuery(question.Question, RankDepth, filter), cancellationToken)).Select(h => h.Passage).ToList();
            var top5 = (await index.SearchAsync(new SearchQuery(question.Question, RecallDepth, filter), cancellationToken)).Select(h => h.Passage).ToList();
            var missed = question.Expected.Where(e => !top5.Any(p => Matches(p, e))).ToList();
            var recall = (double)(question.Expected.Count - missed.Count) / question.Expected.Count;
            var rank = top.FindIndex(p => question.Expected.Any(e => Matches(p, e)));
            results.Add(new QuestionResult(question, recall, rank < 0 ? null : rank + 1, missed, top5));
        }

        var count = Math.Max(1, results.Count);
        return new EvalSummary(
            results.Count,
            results.Sum(r => r.RecallAt5) / count,
            results.Sum(r => r.Rank is { } rank ? 1.0 / rank : 0) / count,
            results);
    }
}
