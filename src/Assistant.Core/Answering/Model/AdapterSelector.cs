using System.Text.RegularExpressions;
using Assistant.Core.LanguageModel;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Model;

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

    /// <summary>
    /// Maps configured names onto the adapters the model has: an adapter of that name, else every adapter with
    /// that purpose. Names that match nothing are returned in <paramref name="missing"/>, so one misconfigured
    /// adapter degrades to the base model instead of failing every answer.
    /// </summary>
    public static IReadOnlyDictionary<string, float> Resolve(
        IReadOnlyDictionary<string, float> selected, IReadOnlyList<ModelAdapter> available, out IReadOnlyList<string> missing)
    {
        var resolved = new Dictionary<string, float>(StringComparer.OrdinalIgnoreCase);
        var unknown = new List<string>();
        foreach (var (name, scale) in selected)
        {
            var byName = available.Where(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            var matches = byName.Count > 0
                ? byName
                : available.Where(a => string.Equals(a.Purpose, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                unknown.Add(name);
            }

            foreach (var adapter in matches)
            {
                resolved[adapter.Name] = scale;
            }
        }

        missing = unknown;
        return resolved;
    }

    private static bool ContainsWord(string text, string phrase) =>
        Regex.IsMatch(text, $@"(?<!\w){Regex.Escape(phrase.Trim())}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
