using System.Text;

namespace Assistant.Knowledge.Text;

/// <summary>
/// Splits technical text into index terms. Fault codes, part numbers, parameter names and decimals stay whole
/// (<c>E-217</c>, <c>HP-400</c>, <c>HOME_SEARCH_VEL</c>, <c>0.05</c>, <c>G38.2</c>); a compound also yields its parts and its
/// joined form, so "lock-out", "lockout" and "lock out" meet, and "24V" meets "24 V".
/// Every term is lower case and free of the separators that FTS5 would split on, so the index sees exactly these terms.
/// </summary>
public static class TechnicalTokenizer
{
    private const int MaxTermLength = 64;

    /// <summary>The terms of <paramref name="text"/> in order, stop words removed.</summary>
    /// <param name="query">
    /// For a question: a compound yields itself and its joined form but not its parts, so "start-up" weighs as one
    /// word in BM25, not four. The indexed text keeps the parts, so a question that spells them apart still meets it.
    /// </param>
    public static List<string> Terms(string text, bool query = false)
    {
        var terms = new List<string>();
        foreach (var word in Words(text))
        {
            AddTerms(word, terms, query);
        }

        return terms;
    }

    /// <summary>Terms plus the Porter stem of every plain word: what the stemmed index column holds.</summary>
    public static List<string> Stems(IEnumerable<string> terms)
    {
        var stems = new List<string>();
        foreach (var term in terms)
        {
            stems.Add(IsPlainWord(term) ? Stem(term) : term);
        }

        return stems;
    }

    // A plant's vocabulary is a few thousand words: stem each once, not once per occurrence.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> StemCache = new(StringComparer.Ordinal);

    private static string Stem(string word)
    {
        if (StemCache.TryGetValue(word, out var stem))
        {
            return stem;
        }

        stem = PorterStemmer.Stem(word);
        if (StemCache.Count < 500_000)
        {
            StemCache.TryAdd(word, stem);
        }

        return stem;
    }

    public static bool IsPlainWord(string term)
    {
        foreach (var c in term)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Maximal runs of letters and digits joined by '-', '_' or '.' between two of them.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var builder = new StringBuilder();
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                continue;
            }

            var joins = c is '-' or '_' or '.' &&
                builder.Length > 0 &&
                i + 1 < text.Length &&
                char.IsLetterOrDigit(text[i + 1]);
            if (joins)
            {
                builder.Append(c);
                continue;
            }

            if (builder.Length > 0)
            {
                yield return builder.ToString();
                builder.Clear();
            }
        }
    }

    private static void AddTerms(string word, List<string> terms, bool query)
    {
        if (word.Length > MaxTermLength)
        {
            word = word[..MaxTermLength];
        }

        var compound = word.AsSpan().IndexOfAny('-', '_', '.') >= 0;
        if (!compound)
        {
            if (!StopWords.Contains(word))
            {
                terms.Add(word);
            }

            AddNumberAndUnit(word, terms);
            return;
        }

        terms.Add(word);
        if (IsDecimal(word))
        {
            return;
        }

        var parts = word.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        var joined = string.Concat(parts);
        if (joined != word)
        {
            terms.Add(joined);
        }

        if (query)
        {
            return;
        }

        foreach (var part in parts)
        {
            if (part.Length > 1 && !StopWords.Contains(part))
            {
                terms.Add(part);
            }
        }
    }

    // "24v" also yields "24" and "v", so a spaced "24 V" in another document still meets it.
    private static void AddNumberAndUnit(string word, List<string> terms)
    {
        var digits = 0;
        while (digits < word.Length && char.IsAsciiDigit(word[digits]))
        {
            digits++;
        }

        if (digits > 0 && digits < word.Length && word.AsSpan(digits).ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz") is false)
        {
            terms.Add(word[..digits]);
            terms.Add(word[digits..]);
        }
    }

    private static bool IsDecimal(string word)
    {
        foreach (var c in word)
        {
            if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }

        return true;
    }
}
