using Assistant.Knowledge.Text;
using BenchmarkDotNet.Attributes;

namespace Assistant.MicroBenchmarks;

/// <summary>Index terms of one passage (what ingestion does per passage) and of one question (what every search does).</summary>
[MemoryDiagnoser]
public class TechnicalTokenizerBenchmarks
{
    private const string Question = "What does fault E-217 mean on CNC-2 and what do I check first before the lock-out?";

    private string _passage = "";

    [GlobalSetup]
    public void Setup()
    {
        // A passage-sized piece (the index's MaxPassageChars) of the sample plant's machining centre manual.
        var manual = File.ReadAllText(Path.Combine(SamplePlant.ContentRoot, "knowledge", "manuals", "cnc-machining-centre-vmc850.md"));
        var start = manual.IndexOf("E-217", StringComparison.Ordinal);
        _passage = manual.Substring(Math.Max(0, start), Math.Min(1500, manual.Length - Math.Max(0, start)));
    }

    [Benchmark]
    public int PassageStems() => TechnicalTokenizer.Stems(TechnicalTokenizer.Terms(_passage)).Count;

    [Benchmark]
    public int QuestionTerms() => TechnicalTokenizer.Terms(Question, query: true).Count;
}
