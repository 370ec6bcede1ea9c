using System.Security.Cryptography;
using System.Text;
using Assistant.Core.Knowledge;
using Assistant.Knowledge.Indexing;

namespace Assistant.Benchmarks.Retrieval;

/// <summary>
/// Passages made of pseudo-words from syllables, drawn with a Zipf-like law as natural text is, plus fault codes,
/// part numbers and measurements: the shape of a plant's documents without anyone's text.
/// </summary>
internal sealed class SyntheticCorpus
{
    private static readonly string[] Onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "st", "tr", "pl", "kr"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou"];
    private static readonly string[] Codas = ["", "n", "r", "s", "t", "l", "nd", "rk"];

    private readonly Random _random;
    private readonly string[] _words;
    private readonly double[] _cumulative;
    private readonly string[] _machines = Enumerable.Range(1, 24).Select(i => $"M-{i:D2}").ToArray();

    public SyntheticCorpus(int seed)
    {
        _random = new Random(seed);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < 20_000)
        {
            var syllables = 1 + _random.Next(4);
            var word = new StringBuilder();
            for (var s = 0; s < syllables; s++)
            {
                word.Append(Onsets[_random.Next(Onsets.Length)]).Append(Vowels[_random.Next(Vowels.Length)]).Append(Codas[_random.Next(Codas.Length)]);
            }

            words.Add(word.ToString());
        }

        _words = [.. words];
        _cumulative = new double[_words.Length];
        var total = 0.0;
        for (var i = 0; i < _words.Length; i++)
        {
            total += 1.0 / Math.Pow(i + 1, 1.07);
            _cumulative[i] = total;
        }

        for (var i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }
    }

    public string Word()
    {
        var index = Array.BinarySearch(_cumulative, _random.NextDouble());
        return _words[Math.Min(index < 0 ? ~index : index, _words.Length - 1)];
    }

    public string Code() => $"E-{_random.Next(100, 1000)}";

    private static string Prefix(string word) => word[..Math.Min(3, word.Length)].ToUpperInvariant();

    public string RandomMachine() => _machines[_random.Next(_machines.Length)];

    public string Query()
    {
        var words = Enumerable.Range(0, 3 + _random.Next(6)).Select(_ => Word());
        return string.Join(' ', _random.Next(4) == 0 ? words.Append(Code()) : words);
    }

    public List<StoredPassage> Document(int number, int count)
    {
        var source = $"synthetic/doc-{number:D5}.md";
        var isLog = number % 10 >= 7;
        var fileKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..8];
        var machine = _machines[number % _machines.Length];
        var passages = new List<StoredPassage>(count);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            var words = 50 + _random.Next(90);
            for (var w = 0; w < words; w++)
            {
                text.Append(Word());
                var roll = _random.Next(60);
                text.Append(roll switch
                {
                    0 => $" {Code()} ",
                    1 => $" {_random.Next(5, 400)} bar ",
                    2 => $" part {Prefix(Word())}-{_random.Next(1000, 9999)} ",
                    3 => ". ",
                    _ => " ",
                });
            }

            var section = isLog ? (IReadOnlyList<string>)[$"INC-{number:D5}{i:D2}"] : [Word() + " " + Word(), Word() + " " + Word() + " " + Word()];
            var passage = new Passage(
                $"{fileKey}-{i + 1}", source, isLog ? DocumentKind.Incident : DocumentKind.Manual, $"Synthetic document {number}",
                section, i * 10 + 1, i * 10 + 9, text.ToString(), machine, "L" + (number % 5));
            passages.Add(new StoredPassage(passage, i, [machine, "L" + (number % 5)]));
        }

        return passages;
    }
}
