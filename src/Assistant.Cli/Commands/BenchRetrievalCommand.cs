using Assistant.Core;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Assistant.Core.Knowledge;
using Assistant.Knowledge;
using Assistant.Knowledge.Evaluation;
using Assistant.Knowledge.Indexing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary>
/// <c>assistant bench-retrieval</c>: ingestion throughput on the LinuxCNC chapters, query latency on the sample plant
/// and on a synthetic index of 100,000 passages generated from a made-up vocabulary.
/// </summary>
public sealed class BenchRetrievalCommand : ICliCommand
{
    public string Name => "bench-retrieval";

    public string Summary => "Benchmark ingestion throughput and search latency (p50/p99).";

    public string Usage => """
        [--chunks N] [--queries Q] [--runs R] [--work DIR] [--reuse]
          --chunks N   passages in the synthetic index (default 100000)
          --queries Q  synthetic queries (default 300)
          --runs R     ingestion runs over the LinuxCNC chapters, median reported (default 3)
          --work DIR   folder for the benchmark's index files (default data/bench)
          --reuse      keep a synthetic index of the same size from an earlier run instead of building it again
        """;

    public async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args, ["reuse"]);
        var chunks = line.GetInt("chunks", 100_000);
        var queries = line.GetInt("queries", 300);
        var runs = line.GetInt("runs", 3);
        var work = Path.GetFullPath(line.Get("work") ?? Path.Combine(context.ContentRoot, "data", "bench"));
        if (chunks < 100 || queries < 10 || runs < 1)
        {
            throw new UsageException("--chunks needs at least 100, --queries at least 10, --runs at least 1.");
        }

        Directory.CreateDirectory(work);
        var output = context.Out;
        output.WriteLine($"bench-retrieval on {Environment.ProcessorCount} cores, {RuntimeDescription()}");
        output.WriteLine();

        await IngestionThroughputAsync(output, work, runs, cancellationToken);
        await SamplePlantLatencyAsync(context, output, work, cancellationToken);
        await SyntheticLatencyAsync(context, output, work, chunks, queries, line.Has("reuse"), cancellationToken);
        return 0;
    }

    private static async Task IngestionThroughputAsync(TextWriter output, string work, int runs, CancellationToken cancellationToken)
    {
        var root = SharedData.RequireDataSet("linuxcnc-docs");
        var results = new List<(TimeSpan Elapsed, IngestReport Report)>();
        for (var run = 0; run < runs; run++)
        {
            var index = Path.Combine(work, "linuxcnc.db");
            Delete(index);
            var knowledge = KnowledgeBase.Open(KnowledgeSettings.For(root, index));
            var clock = Stopwatch.StartNew();
            var report = await knowledge.Ingestor.IngestAsync(cancellationToken);
            results.Add((clock.Elapsed, report));
        }

        var bytes = FileBytes(root);
        var median = results.OrderBy(r => r.Elapsed).ElementAt(results.Count / 2);
        var again = KnowledgeBase.Open(KnowledgeSettings.For(root, Path.Combine(work, "linuxcnc.db")));
        var noChange = Stopwatch.StartNew();
        await again.Ingestor.IngestAsync(cancellationToken);
        noChange.Stop();

        // Reading and chunking alone, without the index writes: where the time goes.
        var ingestor = KnowledgeBase.Open(KnowledgeSettings.For(root, Path.Combine(work, "unused.db"))).Ingestor;
        var chunker = new Assistant.Knowledge.Chunking.PassageChunker();
        var scope = new PlantScope(Assistant.Core.Plant.PlantLayout.Empty);
        var files = new KnowledgeFiles(root, KnowledgeIngestor.DefaultReaders().SelectMany(r => r.Extensions).ToHashSet(), new KnowledgeOptions().Exclude).Scan();
        var contents = files.Select(f => (f.Source, Bytes: File.ReadAllBytes(f.FullPath))).ToList();
        var parse = Stopwatch.StartNew();
        foreach (var (source, content) in contents)
        {
            ingestor.Read(source, content, chunker, scope);
        }

        parse.Stop();

        var seconds = median.Elapsed.TotalSeconds;
        output.WriteLine($"Ingestion, LinuxCNC chapters ({median.Report.FilesRead} files, {bytes / 1e6:0.00} MB, {median.Report.PassagesWritten} passages), median of {runs} cold runs:");
        output.WriteLine($"  {seconds:0.000} s   {bytes / 1e6 / seconds:0.00} MB/s   {median.Report.PassagesWritten / seconds:0} chunks/s");
        output.WriteLine($"  of which reading and chunking (no index writes): {parse.Elapsed.TotalSeconds:0.000} s, {bytes / 1e6 / parse.Elapsed.TotalSeconds:0.00} MB/s");
        output.WriteLine($"  re-run with nothing changed: {noChange.Elapsed.TotalMilliseconds:0} ms");
        output.WriteLine();
    }

    private static async Task SamplePlantLatencyAsync(CliContext context, TextWriter output, string work, CancellationToken cancellationToken)
    {
        var configured = context.Services.GetRequiredService<KnowledgeSettings>();
        var settings = configured with { IndexPath = Path.Combine(work, "plant.db") };
        Delete(settings.IndexPath);
        var knowledge = KnowledgeBase.Open(settings);
        await knowledge.Ingestor.IngestAsync(cancellationToken);
        var status = await knowledge.Index.GetStatusAsync(cancellationToken);

        var evalFolder = Path.Combine(settings.RootPath, "eval");
        var questions = Directory.Exists(evalFolder)
            ? Directory.EnumerateFiles(evalFolder, "*.jsonl")
                .Where(f => SharedData.Find(context.ContentRoot) is not { } shared || !Directory.Exists(Path.Combine(shared, Path.GetFileNameWithoutExtension(f))))
                .SelectMany(RetrievalEvaluation.Load)
                .ToList()
            : [];
        if (questions.Count == 0)
        {
            output.WriteLine($"Query latency, sample plant: no eval questions under {evalFolder}; skipped.");
            output.WriteLine();
            return;
        }

        var plain = questions.Select(q => new SearchQuery(q.Question, 5)).ToList();
        var filtered = questions.Where(q => q.Machine is not null).Select(q => new SearchQuery(q.Question, 5, new SearchFilter(Machine: q.Machine))).ToList();
        var latency = await MeasureAsync(knowledge.Index, plain, passes: 5, cancellationToken);
        output.WriteLine($"Query latency, sample plant ({status.Passages} passages, {questions.Count} eval questions x 5 passes, top 5):");
        output.WriteLine($"  {Format(latency)}");
        if (filtered.Count > 0)
        {
            output.WriteLine($"  with machine filter ({filtered.Count} questions): {Format(await MeasureAsync(knowledge.Index, filtered, passes: 5, cancellationToken))}");
        }

        output.WriteLine();
    }

    private static async Task SyntheticLatencyAsync(CliContext context, TextWriter output, string work, int chunks, int queryCount, bool reuse, CancellationToken cancellationToken)
    {
        var index = Path.Combine(work, $"synthetic-{chunks}.db");
        var settings = context.Services.GetRequiredService<KnowledgeSettings>() with { RootPath = work, IndexPath = index };
        var store = new KnowledgeStore(index);
        var corpus = new SyntheticCorpus(seed: 20261125);
        var built = reuse && File.Exists(index) && (await new SqliteKnowledgeIndex(store, settings).GetStatusAsync(cancellationToken)).Passages == chunks;

        var clock = Stopwatch.StartNew();
        const int perDocument = 100;
        for (var start = 0; start < chunks; start += perDocument)
        {
            var passages = corpus.Document(start / perDocument, Math.Min(perDocument, chunks - start));
            if (built)
            {
                continue; // keep the generator's random sequence the same, so the queries are too
            }

            if (start == 0)
            {
                Delete(index);
                store = new KnowledgeStore(index);
            }

            var source = passages[0].Passage.Source;
            await store.ReplaceDocumentAsync(new DocumentRecord(source, 0, 0, "synthetic", "synthetic", passages.Count), passages, cancellationToken);
        }

        var build = clock.Elapsed;
        SqliteConnection.ClearAllPools();
        var sizeMb = new FileInfo(index).Length / 1e6;
        var search = new SqliteKnowledgeIndex(store, settings);
        var queries = Enumerable.Range(0, queryCount).Select(_ => new SearchQuery(corpus.Query(), 5)).ToList();
        var filtered = queries.Select(q => q with { Filter = new SearchFilter(Machine: corpus.RandomMachine()) }).ToList();

        output.WriteLine($"Synthetic index ({chunks:N0} passages from a generated vocabulary, {sizeMb:0} MB on disk):");
        output.WriteLine(built
            ? "  reused from an earlier run (--reuse)"
            : $"  built in {build.TotalSeconds:0.0} s ({chunks / build.TotalSeconds:0} chunks/s, one transaction per 100-passage document)");
        output.WriteLine($"  query latency, {queryCount} queries x 3 passes, top 5 (common-term share {settings.CommonTermShare}): {Format(await MeasureAsync(search, queries, passes: 3, cancellationToken))}");
        if (settings.CommonTermShare < 1)
        {
            // What leaving out common terms costs in ranking: overlap of the top 5 with the top 5 of the full query.
            var full = new SqliteKnowledgeIndex(store, settings with { CommonTermShare = 1 });
            var agreement = 0.0;
            var fullLatency = new List<double>();
            foreach (var query in queries)
            {
                var pruned = (await search.SearchAsync(query, cancellationToken)).Select(h => h.Passage.Id).ToHashSet();
                var timer = Stopwatch.StartNew();
                var exact = await full.SearchAsync(query, cancellationToken);
                fullLatency.Add(timer.Elapsed.TotalMilliseconds);
                agreement += exact.Count == 0 ? 1 : (double)exact.Count(h => pruned.Contains(h.Passage.Id)) / exact.Count;
            }

            output.WriteLine($"  every term kept (share 1): {Format(fullLatency)}; top-5 overlap with it {agreement / queries.Count:0.000}");
        }

        output.WriteLine($"  with machine filter: {Format(await MeasureAsync(search, filtered, passes: 3, cancellationToken))}");
        output.WriteLine($"  fault-code lookups (one code per query): {Format(await MeasureAsync(search, Enumerable.Range(0, queryCount).Select(_ => new SearchQuery(corpus.Code(), 5)).ToList(), passes: 3, cancellationToken))}");
    }

    private static async Task<List<double>> MeasureAsync(IKnowledgeIndex index, IReadOnlyList<SearchQuery> queries, int passes, CancellationToken cancellationToken)
    {
        foreach (var query in queries.Take(20))
        {
            await index.SearchAsync(query, cancellationToken); // warm-up: connection pool, page cache, JIT
        }

        var samples = new List<double>(queries.Count * passes);
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var query in queries)
            {
                var clock = Stopwatch.StartNew();
                await index.SearchAsync(query, cancellationToken);
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return samples;
    }

    private static string Format(List<double> samples)
    {
        samples.Sort();
        double At(double q) => samples[Math.Clamp((int)Math.Ceiling(q * samples.Count) - 1, 0, samples.Count - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):0.00} ms   p99 {At(0.99):0.00} ms   max {samples[^1]:0.00} ms   (n={samples.Count})");
    }

    private static long FileBytes(string root) =>
        new KnowledgeFiles(root, KnowledgeIngestor.DefaultReaders().SelectMany(r => r.Extensions).ToHashSet(), new KnowledgeOptions().Exclude)
            .Scan().Sum(f => f.Size);

    private static void Delete(string index)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(index + suffix);
        }
    }

    private static string RuntimeDescription() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    /// <summary>
    /// Passages made of pseudo-words from syllables, drawn with a Zipf-like law as natural text is, plus fault codes,
    /// part numbers and measurements: the shape of a plant's documents without anyone's text.
    /// </summary>
    private sealed class SyntheticCorpus
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
}
