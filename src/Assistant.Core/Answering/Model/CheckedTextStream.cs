using System.Text;
using Assistant.Core.Safety;
using Assistant.Core.Answering.Citations;

namespace Assistant.Core.Answering.Model;

/// <summary>
/// Lets the model's text through to the tablet a sentence at a time, after each sentence has passed the
/// safety check and lost any citation of a passage the model was not given. Holding back to the end of a
/// sentence costs a moment of latency; letting a half-checked "jumper the door switch" reach the screen is
/// not an option.
/// </summary>
internal sealed class CheckedTextStream
{
    private const int LongestHeldBack = 400;
    private const int SafetyTail = 160;

    private readonly StringBuilder _raw = new();
    private int _emitted;
    private int _sentenceStart;

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
        if (end == _emitted && _raw.Length - _emitted > LongestHeldBack)
        {
            // A run-on sentence: release all but a tail long enough to hold any safety pattern; the whole
            // answer is checked again at the end.
            end = LastSpaceBefore(_raw.Length - SafetyTail);
        }

        return end > _emitted ? Release(end) : [];
    }

    public IReadOnlyList<string> Flush() =>
        UnsafePhrase is null && _raw.Length > _emitted ? Release(_raw.Length) : [];

    private IReadOnlyList<string> Release(int end)
    {
        // Checked from the start of its sentence: a run-on sentence is released in pieces, and a phrase may
        // straddle them.
        var segment = _raw.ToString(_emitted, end - _emitted);
        if (SafetyGuard.FindBypass(_raw.ToString(_sentenceStart, end - _sentenceStart)) is { } phrase)
        {
            UnsafePhrase = phrase;
            return [];
        }

        _emitted = end;
        if (IsSentenceEnd(end))
        {
            _sentenceStart = end;
        }

        var text = CitationChecker.Check(segment, Given).Text;
        return text.Length == 0 ? [] : [text];
    }

    private int LastSentenceEnd()
    {
        for (var end = _raw.Length; end > _emitted; end--)
        {
            if (IsSentenceEnd(end))
            {
                return end;
            }
        }

        return _emitted;
    }

    /// <summary>True when a sentence (or a line) ends just before <paramref name="end"/>.</summary>
    private bool IsSentenceEnd(int end)
    {
        var c = _raw[end - 1];
        return c == '\n' ||
               (c is '.' or '!' or '?' && end < _raw.Length && char.IsWhiteSpace(_raw[end]) && !IsListMarker(end - 1));
    }

    private int LastSpaceBefore(int limit)
    {
        for (var i = limit; i > _emitted; i--)
        {
            if (char.IsWhiteSpace(_raw[i - 1]))
            {
                return i;
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
