using Assistant.Knowledge.Text;

namespace Assistant.Knowledge.Tests;

public class TechnicalTokenizerTests
{
    [Fact]
    public void Fault_codes_part_numbers_and_parameters_stay_whole()
    {
        var terms = TechnicalTokenizer.Terms("Alarm E-217 on HP-400; replace HF-0460. Set HOME_SEARCH_VEL to 0.05 and run G38.2.");

        Assert.Contains("e-217", terms);
        Assert.Contains("hp-400", terms);
        Assert.Contains("hf-0460", terms);
        Assert.Contains("home_search_vel", terms);
        Assert.Contains("0.05", terms);
        Assert.Contains("g38.2", terms);
        Assert.DoesNotContain("hf-0460.", terms);
    }

    [Fact]
    public void Compounds_also_yield_their_parts_and_joined_form()
    {
        var terms = TechnicalTokenizer.Terms("lock-out the E-217 drive");

        Assert.Contains("lock-out", terms);
        Assert.Contains("lockout", terms);
        Assert.Contains("lock", terms);
        Assert.Contains("e217", terms);
        Assert.Contains("217", terms);
    }

    [Fact]
    public void Units_written_together_meet_units_written_apart()
    {
        var together = TechnicalTokenizer.Terms("24V supply, 250bar");
        var apart = TechnicalTokenizer.Terms("24 V supply, 250 bar");

        Assert.Contains("24", together);
        Assert.Contains("v", together);
        Assert.Contains("bar", together);
        Assert.Subset(together.ToHashSet(), apart.ToHashSet());
    }

    [Fact]
    public void Stop_words_go_but_direction_words_stay()
    {
        var terms = TechnicalTokenizer.Terms("What is the way to switch the pump off and on");

        Assert.DoesNotContain("the", terms);
        Assert.DoesNotContain("what", terms);
        Assert.Contains("off", terms);
        Assert.Contains("on", terms);
    }

    [Theory]
    [InlineData("bearings", "bear")]
    [InlineData("bearing", "bear")]
    [InlineData("overheating", "overh")]
    [InlineData("overheated", "overh")]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("relational", "relat")]
    [InlineData("hopping", "hop")]
    [InlineData("generalization", "gener")]
    [InlineData("adjustable", "adjust")]
    public void Porter_stemmer_meets_word_forms(string word, string stem) =>
        Assert.Equal(stem, PorterStemmer.Stem(word));

    [Fact]
    public void Codes_are_not_stemmed()
    {
        var stems = TechnicalTokenizer.Stems(["e-217", "pumps", "0.05"]);

        Assert.Equal(["e-217", "pump", "0.05"], stems);
    }
}
