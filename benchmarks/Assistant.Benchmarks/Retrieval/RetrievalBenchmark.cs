using System.Diagnostics;
using System.Globalization;
using Assistant.Core;
using Assistant.Core.Knowledge;
using Assistant.Knowledge;
using Assistant.Knowledge.Evaluation;
using Assistant.Knowledge.Indexing;
using Microsoft.Data.Sqlite;

namespace Assistant.Benchmarks.Retrieval;

/// <summary>What <see cref="RetrievalBenchmark"/> measures on, and how much.</summary>
/// <param name="Plant">the configured knowledge settings: the sample plant's folder and its eval questions</param>
/// <param name="ContentRoot">where the public data sets are looked for (shared/data above it)</param>
/// <param name="WorkFolder">folder for the benchmark's index files</param>
/// <param name="Chunks">passages in the synthetic index</param>
/// <param name="Queries">synthetic queries</param>
/// <param name="Runs">ingestion runs over the LinuxCNC chapters, median reported</param>
/// <param name="Reuse">keep a synthetic index of the same size from an earlier run instead of building it again</param>
public sealed record RetrievalBenchmarkOptions(
    KnowledgeSettings Plant, string ContentRoot, string WorkFolder, int Chunks = 100_000, int Queries = 300, int Runs = 3, bool Reuse = false);

/// <summary>
/// Ingestion throughput on the LinuxCNC chapters, query latency on the sample plant and on a synthetic index of
/// 100,000 passages generated from a made-up vocabulary (<c>assistant bench-retrieval</c>).
/// </summary>
public static class RetrievalBenchmark
{
    public static async Task RunAsync(RetrievalBenchmarkOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Chunks, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Queries, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Runs, 1);
        var work = Path.GetFullPath(options.WorkFolder);
        Directory.CreateDirectory(work);
        output.WriteLine($"bench-retrieval on {Environment.ProcessorCount} cores, {RuntimeDescription()}");
        output.WriteLine();

        await IngestionThroughputAsync(output, work, options.Runs, cancellationToken);
        await SamplePlantLatencyAsync(options, output, work, cancellationToken);
        await SyntheticLatencyAsync(options, output, work, cancellationToken);
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

    private static async Task SamplePlantLatencyAsync(RetrievalBenchmarkOptions options, TextWriter output, string work, CancellationToken cancellationToken)
    {
        var settings = options.Plant with { IndexPath = Path.Combine(work, "plant.db") };
        Delete(settings.IndexPath);
        var knowledge = KnowledgeBase.Open(settings);
        await knowledge.Ingestor.IngestAsync(cancellationToken);
        var status = await knowledge.Index.GetStatusAsync(cancellationToken);

        var evalFolder = Path.Combine(settings.RootPath, "eval");
        var questions = Directory.Exists(evalFolder)
            ? Directory.EnumerateFiles(evalFolder, "*.jsonl")
                .Where(f => SharedData.Find(options.ContentRoot) is not { } shared || !Directory.Exists(Path.Combine(shared, Path.GetFileNameWithoutExtension(f))))
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

    private static async Task SyntheticLatencyAsync(RetrievalBenchmarkOptions options, TextWriter output, string work, CancellationToken cancellationToken)
    {
        var (chunks, queryCount, reuse) = (options.Chunks, options.Queries, options.Reuse);
        var index = Path.Combine(work, $"synthetic-{chunks}.db");
        var settings = options.Plant with { RootPath = work, IndexPath = index };
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
}
