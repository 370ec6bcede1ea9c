namespace Assistant.Knowledge.Reading;

/// <summary>
/// Keeps the heading path while a reader walks a document. The first top-level heading is the document's title
/// and stays out of the path; every later heading replaces the ones at its level and below.
/// </summary>
public sealed class SectionTracker
{
    private readonly string?[] _levels = new string?[8];
    private IReadOnlyList<string> _path = [];

    public string? Title { get; private set; }

    public IReadOnlyList<string> Path => _path;

    /// <param name="level">0 or 1 for a document title, then one more per nesting step.</param>
    public void Enter(int level, string text, bool isTitleLevel)
    {
        level = Math.Clamp(level, 0, _levels.Length - 1);
        if (isTitleLevel && Title is null)
        {
            Title = text;
            Array.Clear(_levels);
            _path = [];
            return;
        }

        _levels[level] = text;
        Array.Clear(_levels, level + 1, _levels.Length - level - 1);
        _path = _levels.Where(l => l is not null).Select(l => l!).ToArray();
    }
}
