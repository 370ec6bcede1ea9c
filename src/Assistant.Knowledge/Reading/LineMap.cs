namespace Assistant.Knowledge.Reading;

/// <summary>Turns character offsets into 1-based line numbers for readers whose parser reports offsets.</summary>
public sealed class LineMap
{
    private readonly List<int> _lineStarts = [0];

    public LineMap(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public int LineCount => _lineStarts.Count;

    public int LineOf(int offset)
    {
        var index = _lineStarts.BinarySearch(Math.Max(0, offset));
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    public static string[] SplitLines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
}
