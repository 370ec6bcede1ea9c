using System.Text;

namespace Assistant.Llama.Inference;

/// <summary>
/// Turns the bytes of generated tokens into text the way llama.cpp's grammar sampler reads them: a multi-byte
/// character may span tokens, and a sequence's value is taken from its bits as the grammar does (so text checked
/// against a grammar reads back as the same characters). Values that are no Unicode scalar (surrogates, beyond
/// U+10FFFF) and broken sequences become U+FFFD; the grammars exclude them.
/// </summary>
internal sealed class TokenTextDecoder
{
    private int _value;
    private int _remaining;

    public void Append(ReadOnlySpan<byte> bytes, StringBuilder text)
    {
        foreach (var b in bytes)
        {
            if (_remaining > 0)
            {
                if ((b >> 6) == 2)
                {
                    _value = (_value << 6) | (b & 0x3F);
                    if (--_remaining == 0)
                    {
                        AppendScalar(_value, text);
                    }

                    continue;
                }

                // The sequence broke off: replace it and read this byte afresh.
                text.Append('\uFFFD');
                _remaining = 0;
            }

            var length = (b >> 4) switch
            {
                < 8 => 1,
                < 12 => 0, // a continuation byte without a lead
                < 14 => 2,
                14 => 3,
                _ => 4,
            };
            if (length == 0)
            {
                text.Append('\uFFFD');
            }
            else if (length == 1)
            {
                text.Append((char)b);
            }
            else
            {
                _remaining = length - 1;
                _value = b & ((1 << (7 - _remaining)) - 1);
            }
        }
    }

    /// <summary>Ends the text: an unfinished sequence becomes U+FFFD.</summary>
    public void Flush(StringBuilder text)
    {
        if (_remaining > 0)
        {
            text.Append('\uFFFD');
            _remaining = 0;
        }
    }

    private static void AppendScalar(int value, StringBuilder text)
    {
        if (Rune.TryCreate(value, out var rune))
        {
            text.Append(rune.ToString());
        }
        else
        {
            text.Append('\uFFFD');
        }
    }
}
