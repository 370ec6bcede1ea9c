using System.Runtime.CompilerServices;
using System.Text;
using Assistant.Core.Knowledge;
using Assistant.Core.Security;
using Assistant.Core.Answering.Retrieval;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Composition;

/// <summary>
/// Answers without a language model: the best passages for the question, each quoted in short and cited as [n].
/// The embedded default on a machine with no model file; every sentence in it is the plant's own text.
/// </summary>
public sealed class RetrievalOnlyAnswerService(IKnowledgeIndex index) : IAnswerService
{
    /// <summary>Longest excerpt quoted from one passage.</summary>
    public const int ExcerptChars = 480;

    /// <summary>Most passages one answer cites.</summary>
    public const int MaxTopK = 20;

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Question))
        {
            throw new ArgumentException("The question is empty; ask about a machine, a fault code or a procedure.", nameof(request));
        }

        var topK = Math.Clamp(request.TopK, 1, MaxTopK);
        var filter = string.IsNullOrWhiteSpace(request.Machine)
            ? request.Scope?.Lines is { } visible ? new SearchFilter(VisibleLines: visible) : null
            : new SearchFilter(Machine: request.Machine.Trim(), VisibleLines: request.Scope?.Lines);
        var hits = await EvidenceRetrieval.SearchAsync(index, request.Question, topK, filter, request.Role, cancellationToken);
        var notes = new List<string>();
        var citations = new List<Citation>();
        var text = new StringBuilder();

        if (hits.Count == 0)
        {
            var none = filter?.Machine is null
                ? "No passage in the plant's documents matches this question. Try the fault code, the machine's name or other words for the symptom."
                : $"No passage about {filter.Machine} matches this question. Try the fault code or other words, or ask without the machine filter.";
            notes.Add("No matching passages.");
            yield return new AnswerTextDelta(none);
            yield return new AnswerCompleted(new Answer(NewId(), request.Question, none, [], AnswerModes.RetrievalOnly, [], notes));
            yield break;
        }

        var intro = request.Role == UserRole.Engineer
            ? "Evidence from the plant's manuals and incident records, best match first:\n"
            : "From the plant's documents, best match first:\n";
        text.Append(intro);
        yield return new AnswerTextDelta(intro);

        var words = QuestionWords(request.Question);
        foreach (var (hit, i) in hits.Select((h, i) => (h, i)))
        {
            var passage = hit.Passage;
            var number = i + 1;
            var excerpt = Excerpt(passage.Text, words);
            citations.Add(new Citation(number, passage.Id, passage.Source, passage.Title, passage.Section, passage.LineStart, passage.LineEnd, excerpt));

            var block = $"\n[{number}] {Heading(passage)}\n{excerpt}\n";
            text.Append(block);
            yield return new AnswerTextDelta(block);
        }

        notes.Add("Retrieval-only mode: no language model is loaded, so the answer quotes the best-matching passages instead of summarising them.");
        yield return new AnswerCompleted(new Answer(NewId(), request.Question, text.ToString().TrimEnd(), citations, AnswerModes.RetrievalOnly, [], notes));
    }

    private static string NewId() => Guid.NewGuid().ToString("n");

    private static string Heading(Passage passage) =>
        passage.Kind == DocumentKind.Incident
            ? $"Incident {passage.Section} ({passage.Machine ?? passage.Source})"
            : passage.SectionPath.Count == 0 ? ShortTitle(passage.Title) : $"{ShortTitle(passage.Title)} › {passage.Section}";

    // "Plastica IM-250 Injection Moulding Machine — Operation and Maintenance Manual" reads as its first part in a list.
    private static string ShortTitle(string title)
    {
        var dash = title.IndexOf(" — ", StringComparison.Ordinal);
        return dash > 0 ? title[..dash] : title;
    }

    /// <summary>
    /// The passage itself when it is short; otherwise the run of lines that shares most words with the question,
    /// marked with an ellipsis where it was cut.
    /// </summary>
    public static string Excerpt(string text, IReadOnlySet<string> questionWords)
    {
        text = text.Trim();
        if (text.Length <= ExcerptChars)
        {
            return text;
        }

        var lines = text.Split('\n');
        var scores = lines.Select(l => Words(l).Count(questionWords.Contains)).ToArray();
        var bestStart = 0;
        var bestScore = -1;
        for (var start = 0; start < lines.Length; start++)
        {
            var length = 0;
            var score = 0;
            for (var end = start; end < lines.Length && length + lines[end].Length <= ExcerptChars; end++)
            {
                length += lines[end].Length + 1;
                score += scores[end];
            }

            if (score > bestScore)
            {
                bestScore = score;
                bestStart = start;
            }
        }

        var excerpt = new StringBuilder();
        var last = bestStart;
        for (var i = bestStart; i < lines.Length && excerpt.Length + lines[i].Length <= ExcerptChars; i++)
        {
            excerpt.Append(lines[i]).Append('\n');
            last = i;
        }

        if (excerpt.Length == 0)
        {
            // One line longer than the excerpt: cut it at a word boundary.
            var cut = lines[bestStart].LastIndexOf(' ', ExcerptChars - 1);
            excerpt.Append(lines[bestStart][..(cut > 0 ? cut : ExcerptChars - 1)]);
        }

        var body = excerpt.ToString().TrimEnd();
        return (bestStart > 0 ? "… " : "") + body + (last < lines.Length - 1 || body.Length < lines[bestStart].Length ? " …" : "");
    }

    /// <summary>The question's words, cut to five letters so "bearings" finds "bearing" without a stemmer here.</summary>
    public static IReadOnlySet<string> QuestionWords(string question) =>
        Words(question).Where(w => w.Length > 2).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c) || c == '-')
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                var w = word.ToString().Trim('-');
                yield return w.Length > 5 ? w[..5] : w;
                word.Clear();
            }
        }
    }
}
