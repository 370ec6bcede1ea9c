using System.Text;
using Assistant.Llama.Inference;

namespace Assistant.Llama.Tests;

public sealed class StreamingPiecesTests
{
    [Fact]
    public void Stop_sequence_split_across_pieces_is_never_shown()
    {
        var filter = new StopSequenceFilter(["</answer>", "\n\n"]);
        var shown = new StringBuilder();
        foreach (var piece in new[] { "Check the ", "valve</an", "swer> and more" })
        {
            shown.Append(filter.Push(piece));
        }

        Assert.True(filter.Stopped);
        Assert.Equal("Check the valve", shown.ToString());
        Assert.Equal("", filter.Flush());
    }

    [Fact]
    public void Held_back_text_that_was_no_stop_comes_out()
    {
        var filter = new StopSequenceFilter(["STOP"]);
        Assert.Equal("Pump ", filter.Push("Pump ST"));
        Assert.Equal("ST2 ok", filter.Push("2 ok"));
        Assert.Equal("", filter.Push("ST"));
        Assert.Equal("ST", filter.Flush());
        Assert.False(filter.Stopped);
    }

    [Fact]
    public void Multi_byte_characters_may_span_tokens()
    {
        var decoder = new TokenTextDecoder();
        var text = new StringBuilder();
        var bytes = Encoding.UTF8.GetBytes("Drücke 温度 ✓");
        foreach (var b in bytes)
        {
            decoder.Append([b], text);
        }

        decoder.Flush(text);
        Assert.Equal("Drücke 温度 ✓", text.ToString());
    }

    [Fact]
    public void Broken_sequences_become_replacement_characters()
    {
        var decoder = new TokenTextDecoder();
        var text = new StringBuilder();
        decoder.Append([0x41, 0xBF, 0xE6, 0x41, 0xE6, 0xB8], text);
        decoder.Flush(text);
        Assert.Equal("A\uFFFD\uFFFDA\uFFFD", text.ToString());
    }
}
