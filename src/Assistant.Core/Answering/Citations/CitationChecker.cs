using System.Globalization;
using System.Text.RegularExpressions;
using Assistant.Core.Knowledge;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Citations;

/// <summary>What <see cref="CitationChecker.Check"/> found in an answer.</summary>
/// <param name="Text">The answer with citations of passages the model was not given removed.</param>
/// <param name="Cited">Numbers of the given passages the answer cites, in order of first use.</param>
/// <param name="Removed">Numbers the answer cited that name no given passage, in order of first use.</param>
public sealed record CitationCheck(string Text, IReadOnlyList<int> Cited, IReadOnlyList<int> Removed);

/// <summary>
/// Keeps an answer's [n] citations honest: every [n] must name a passage that was in the model's prompt.
/// A model with random weights, or one that confuses an earlier conversation's numbers, cites passages it never
/// saw; such citations would send a technician to the wrong page.
/// </summary>
public static partial class CitationChecker
{
    /// <summary>Checks the citations in <paramref name="text"/> against the numbers of the passages given to the model.</summary>
    public static CitationCheck Check(string text, IReadOnlyCollection<int> given)
    {
        var cited = new List<int>();
        var removed = new List<int>();
        var cleaned = CitationGroup().Replace(text, match =>
        {
            var kept = new List<int>();
            foreach (var number in Numbers(match.Groups["list"].Value))
            {
                if (given.Contains(number))
                {
                    if (!kept.Contains(number))
                    {
                        kept.Add(number);
                    }

                    if (!cited.Contains(number))
                    {
                        cited.Add(number);
                    }
                }
                else if (!removed.Contains(number))
                {
                    removed.Add(number);
                }
            }

            if (kept.Count == 0)
            {
                // Drop the citation and the space before it: "bar [9]." becomes "bar.".
                return "";
            }

            return match.Groups["space"].Value + "[" + string.Join(", ", kept) + "]";
        });

        return new CitationCheck(cleaned, cited, removed);
    }

    /// <summary>Removes every [n] citation: an earlier answer's numbers mean other passages in this prompt.</summary>
    public static string Strip(string text) => CitationGroup().Replace(text, "");

    /// <summary>Builds the citation a reader taps to open the passage.</summary>
    public static Citation ToCitation(int number, Passage passage, int excerptLength = 280)
    {
        var text = passage.Text.Trim();
        var excerpt = text.Length <= excerptLength ? text : text[..excerptLength].TrimEnd() + "…";
        return new Citation(number, passage.Id, passage.Source, passage.Title, passage.Section, passage.LineStart, passage.LineEnd, excerpt);
    }

    private static IEnumerable<int> Numbers(string list)
    {
        foreach (var part in list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split(['-', '–'], StringSplitOptions.TrimEntries);
            if (range.Length == 2 &&
                int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from) &&
                int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to) &&
                from <= to && to - from < 20)
            {
                for (var n = from; n <= to; n++)
                {
                    yield return n;
                }
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var single))
            {
                yield return single;
            }
        }
    }

    // "[3]", "[1, 4]", "[2-3]", with the space before it so a removed citation leaves no gap.
    [GeneratedRegex(@"(?<space>[ \t]?)\[(?<list>\s*\d{1,4}\s*(?:[,;\-–]\s*\d{1,4}\s*)*)\]")]
    private static partial Regex CitationGroup();
}
