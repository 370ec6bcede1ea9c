namespace Assistant.Llama.Inference;

/// <summary>
/// Passes streamed text through until a stop sequence appears, holding back only the tail that could still be
/// the start of one, so no stop text ever reaches the reader.
/// </summary>
internal sealed class StopSequenceFilter(IReadOnlyList<string> stops)
{
    private readonly string[] _stops = stops.Where(s => s.Length > 0).ToArray();
    private string _pending = "";

    public bool Stopped { get; private set; }

    /// <returns>The text that is safe to emit now.</returns>
    public string Push(string text)
    {
        if (Stopped)
        {
            return "";
        }

        if (_stops.Length == 0)
        {
            return text;
        }

        _pending += text;
        var cut = -1;
        foreach (var stop in _stops)
        {
            var at = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        if (cut >= 0)
        {
            Stopped = true;
            var before = _pending[..cut];
            _pending = "";
            return before;
        }

        var hold = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, _pending.Length); length > hold; length--)
            {
                if (_pending.AsSpan(_pending.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    hold = length;
                    break;
                }
            }
        }

        var emit = _pending[..^hold];
        _pending = _pending[^hold..];
        return emit;
    }

    /// <returns>What was held back, at the end of generation.</returns>
    public string Flush()
    {
        var rest = Stopped ? "" : _pending;
        _pending = "";
        return rest;
    }
}
