using System.Text;

namespace Assistant.Core.Answering;

/// <summary>
/// Lets the model's text through to the tablet a sentence at a time, after each sentence has passed the
/// safety check and lost any citation of a passage the model was not given. Holding back to the end of a
/// sentence costs a moment of latency; letting a half-checked "jumper the door switch" reach the screen is
/// not an option.
/// </summary>
internal sealed class CheckedTextStream
{
    private readonly StringBuilder _raw = new();
    private int _emitted;

    public CheckedTextStream(IReadOnlyCollection<int> given)
    {
        Given = given;
    }

    /// <summary>Numbers of the passages in the current prompt; tool rounds may change them.</summary>
    public IReadOnlyCollection<int> Given { get; set; }

    /// <summary>The phrase that stopped the stream, or null while the text is safe.</summary>
    public string? UnsafePhrase { get; private set; }

    public string RawText => _raw.ToString();

    public IReadOnlyList<string> Append(string delta)
    {
        if (UnsafePhrase is not null || delta.Length == 0)
        {
            return [];
        }

        _raw.Append(delta);
        var end = LastSentenceEnd();
        return end > _emitted ? Release(end) : [];
    }

    public IReadOnlyList<string> Flush() =>
        UnsafePhrase is null && _raw.Length > _emitted ? Release(_raw.Length) : [];

    private IReadOnlyList<string> Release(int end)
    {
        var segment = _raw.ToString(_emitted, end - _emitted);
        if (SafetyGuard.FindBypass(segment) is { } phrase)
        {
            UnsafePhrase = phrase;
            return [];
        }

        _emitted = end;
        var text = CitationChecker.Check(segment, Given).Text;
        return text.Length == 0 ? [] : [text];
    }

    private int LastSentenceEnd()
    {
        for (var i = _raw.Length - 1; i >= _emitted; i--)
        {
            var c = _raw[i];
            if (c == '\n')
            {
                return i + 1;
            }

            if (c is '.' or '!' or '?' && i + 1 < _raw.Length && char.IsWhiteSpace(_raw[i + 1]) && !IsListMarker(i))
            {
                return i + 1;
            }
        }

        return _emitted;
    }

    // "2. " at the start of a line numbers a step; it does not end a sentence.
    private bool IsListMarker(int dot)
    {
        var start = dot;
        while (start > 0 && char.IsAsciiDigit(_raw[start - 1]))
        {
            start--;
        }

        return start < dot && (start == 0 || _raw[start - 1] == '\n');
    }
}
