using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Assistant.Core.Security;

namespace Assistant.Core.Answering.Composition;

/// <summary>
/// The prompt files a plant engineer edits (<c>prompts/*.txt</c>). Files are re-read when they change, so a
/// wording fix takes effect on the next question without a restart. <c>{{name}}</c> placeholders are filled in
/// by <see cref="Render"/>; a placeholder the caller does not know stays visible, so a typo shows in testing.
/// </summary>
public sealed partial class PromptLibrary
{
    public const string System = "system.txt";
    public const string Technician = "technician.txt";
    public const string Engineer = "engineer.txt";
    public const string Question = "question.txt";
    public const string NotCovered = "not-covered.txt";
    public const string Refusal = "refusal.txt";

    private readonly string _folder;
    private readonly ConcurrentDictionary<string, (DateTime Written, string Text)> _cache = new(StringComparer.Ordinal);

    public PromptLibrary(string folder)
    {
        _folder = folder;
    }

    public string Folder => _folder;

    /// <summary>The role's task prompt file.</summary>
    public static string ForRole(UserRole role) => role == UserRole.Engineer ? Engineer : Technician;

    public string Get(string name)
    {
        var path = Path.Combine(_folder, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Prompt file '{path}' is missing. Restore it from the repository's prompts/ folder or set Assistant:PromptsPath to the folder that holds it.",
                path);
        }

        var written = File.GetLastWriteTimeUtc(path);
        if (_cache.TryGetValue(name, out var cached) && cached.Written == written)
        {
            return cached.Text;
        }

        // Lines starting with '#' are the editor's notes to themselves, not text for the model.
        var text = string.Join('\n', File.ReadAllLines(path, Encoding.UTF8).Where(l => !l.StartsWith('#'))).Trim();
        _cache[name] = (written, text);
        return text;
    }

    public string Render(string name, IReadOnlyDictionary<string, string> values) => Fill(Get(name), values);

    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\{\{\s*([a-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
