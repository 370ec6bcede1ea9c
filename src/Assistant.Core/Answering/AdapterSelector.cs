using System.Text.RegularExpressions;

namespace Assistant.Core.Answering;

/// <summary>
/// Picks the LoRA adapters for a request from configuration: the role's adapters, then those of every question
/// kind whose keywords the question contains (a kind's scale wins over the role's for the same adapter).
/// </summary>
public static class AdapterSelector
{
    public static IReadOnlyDictionary<string, float> Select(AskRequest request, AdapterOptions options)
    {
        var chosen = new Dictionary<string, float>(StringComparer.OrdinalIgnoreCase);
        if (options.ByRole.TryGetValue(request.Role.ToString(), out var byRole))
        {
            foreach (var (name, scale) in byRole)
            {
                chosen[name] = scale;
            }
        }

        foreach (var kind in options.QuestionKinds)
        {
            if (kind.Keywords.Any(k => !string.IsNullOrWhiteSpace(k) && ContainsWord(request.Question, k)))
            {
                foreach (var (name, scale) in kind.Adapters)
                {
                    chosen[name] = scale;
                }
            }
        }

        // Scale 0 is how configuration switches an adapter off for a kind of question.
        return chosen.Where(a => a.Value != 0f).ToDictionary(a => a.Key, a => a.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static bool ContainsWord(string text, string phrase) =>
        Regex.IsMatch(text, $@"(?<!\w){Regex.Escape(phrase.Trim())}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
