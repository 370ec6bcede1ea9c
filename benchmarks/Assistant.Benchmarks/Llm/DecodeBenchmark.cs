using System.Diagnostics;
using System.Globalization;
using Assistant.Llama;
using Assistant.Llama.Inference;
using Assistant.Llama.Native;
using Assistant.Llama.TestModels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Benchmarks.Llm;

/// <summary>What <see cref="DecodeBenchmark"/> runs.</summary>
/// <param name="ModelPath">GGUF to run; null: a generated ~100M-parameter F16 model, written once to the temp folder</param>
/// <param name="Tokens">tokens per stream, 2 to <see cref="DecodeBenchmark.MaxTokens"/></param>
/// <param name="Rounds">rounds per figure, best kept; a single-stream round is three runs of each loop</param>
/// <param name="Streams">concurrent stream counts to measure</param>
/// <param name="Gpu">backend, as Llama:Gpu; the C loop uses the same library folder</param>
/// <param name="GpuLayers">layers to offload on a GPU (-1: all)</param>
/// <param name="Threads">CPU threads for both loops (0: one per core)</param>
/// <param name="UnifiedKvCache">one KV cache buffer for all streams, or a slice each</param>
public sealed record DecodeBenchmarkOptions(
    string? ModelPath = null,
    int Tokens = 128,
    int Rounds = 3,
    IReadOnlyList<int>? Streams = null,
    LlamaGpuMode Gpu = LlamaGpuMode.Auto,
    int GpuLayers = -1,
    int Threads = 0,
    bool UnifiedKvCache = true);

/// <summary>
/// Decode speed of our generator against a plain C loop over the same llama.cpp library and model, and the
/// aggregate throughput of continuous batching with 1, 4 and 8 concurrent streams (<c>assistant bench-llm</c>).
/// </summary>
public static class DecodeBenchmark
{
    /// <summary>The benchmark context holds 512 tokens: the prompt and this many generated ones fit.</summary>
    public const int MaxTokens = 400;

    /// <summary>The most concurrent streams measured (each is a sequence of one shared context).</summary>
    public const int MaxStreams = 64;

    // Short, so the figures are about decoding; the test vocabulary spends about one token per character.
    internal const string Prompt = "Press 2 stopped, fault E-217. Check first?";

    public static async Task RunAsync(DecodeBenchmarkOptions settings, TextWriter output, CancellationToken cancellationToken)
    {
        var (tokens, rounds) = (settings.Tokens, settings.Rounds);
        IReadOnlyList<int> streams = settings.Streams ?? [1, 4, 8];
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, MaxTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        if (streams.Count == 0 || streams.Any(n => n is < 1 or > MaxStreams))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), $"Stream counts must lie in 1..{MaxStreams}.");
        }

        var options = new LlamaOptions
        {
            Gpu = settings.Gpu,
            GpuLayers = settings.GpuLayers,
            Threads = settings.Threads,
            ContextSize = 512,
            ParallelSequences = streams.Max(),
            BatchSize = 512,
            MaxContexts = 1,
            UnifiedKvCache = settings.UnifiedKvCache,
        };

        var modelPath = settings.ModelPath ?? Path.Combine(Path.GetTempPath(), "assistant-bench", "bench-100m-f16.gguf");
        if (settings.ModelPath is null && !File.Exists(modelPath))
        {
            output.WriteLine($"Writing the benchmark model to {modelPath} ...");
            TestModelWriter.WriteChatModel(modelPath + ".tmp", TestModelShape.Benchmark, seed: 100, name: "shopfloor-bench-100m");
            File.Move(modelPath + ".tmp", modelPath, overwrite: true);
        }

        using var model = LlamaModel.Load(modelPath, options, NullLogger.Instance);
        var backend = LlamaRuntime.Current!;
        using var generator = new LlamaGenerator(model, options, [], NullLogger.Instance);
        var prompt = model.Tokenize(Prompt, addSpecial: true, parseSpecial: false);
        output.WriteLine($"model    {Path.GetFileName(modelPath)}: {model.ParameterCount:N0} parameters, {new FileInfo(modelPath).Length / 1e6:F0} MB");
        output.WriteLine($"backend  {backend.Backend} ({backend.Reason}); devices: {string.Join(", ", backend.Devices)}");
        output.WriteLine($"threads  {options.EffectiveThreads}; prompt {prompt.Length} tokens; {tokens} tokens per stream; best of {rounds}");
        output.WriteLine();

        var loop = await CDecodeLoop.CompileAsync(output, cancellationToken);
        var gpuLayers = backend.IsGpu ? options.GpuLayers : 0;
        var cRate = 0.0;
        var oursRate = 0.0;
        await RunStreamsAsync(generator, prompt, tokens, 1, cancellationToken); // warm-up
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the two loops, so a busy moment on a shared machine hits both alike.
            // The C loop keeps the best of three runs per call: so does ours, so both get as many chances.
            cRate = Math.Max(cRate, await loop.RunAsync(backend.LibraryDirectory, modelPath, options.EffectiveThreads, gpuLayers, tokens, cancellationToken));
            for (var run = 0; run < 3; run++)
            {
                oursRate = Math.Max(oursRate, (await RunStreamsAsync(generator, prompt, tokens, 1, cancellationToken)).DecodeRate);
            }
        }

        output.WriteLine("single stream, greedy decode (first token to last)");
        output.WriteLine($"  plain C loop        {cRate,8:F1} tokens/s");
        output.WriteLine($"  our loop (C#)       {oursRate,8:F1} tokens/s");
        output.WriteLine($"  ratio ours / C      {oursRate / cRate,8:F3}   (goal >= 0.97)");
        output.WriteLine();
        output.WriteLine("concurrent streams, aggregate (continuous batching: one decode call per step for all streams)");
        var single = 0.0;
        foreach (var count in streams)
        {
            var (aggregate, decoding) = (0.0, 0.0);
            for (var round = 0; round < rounds; round++)
            {
                var run = await RunStreamsAsync(generator, prompt, tokens, count, cancellationToken);
                (aggregate, decoding) = (Math.Max(aggregate, run.Aggregate), Math.Max(decoding, run.DecodeAggregate));
            }

            single = count == 1 ? decoding : single;
            var relative = single > 0 ? $"  x{decoding / single:F2} of one stream" : "";
            output.WriteLine($"  {count} stream{(count == 1 ? " " : "s")}  {aggregate,8:F1} tokens/s with prompts  {decoding,8:F1} tokens/s decoding{relative}");
        }
    }

    /// <returns>
    /// Aggregate: tokens of all <paramref name="count"/> concurrent streams per second of wall time, prompts included;
    /// DecodeAggregate: the tokens after each stream's first, per second from the first first token to the last token;
    /// DecodeRate: tokens per second of the first stream between its first and its last token.
    /// </returns>
    private static async Task<(double Aggregate, double DecodeAggregate, double DecodeRate)> RunStreamsAsync(LlamaGenerator generator, int[] prompt, int tokens, int count, CancellationToken cancellationToken)
    {
        var request = new GenerationRequest(prompt) { Sampling = SamplingSettings.Greedy, MaxTokens = tokens, StopAtEndOfGeneration = false };
        var clock = Stopwatch.StartNew();
        var streams = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            (double Seconds, int Tokens)? first = null;
            (double Seconds, int Tokens) last = default;
            await foreach (var update in generator.GenerateAsync(request, cancellationToken))
            {
                last = (clock.Elapsed.TotalSeconds, update.OutputTokens);
                first ??= last;
            }

            return (First: first!.Value, Last: last);
        }, cancellationToken)));
        var seconds = clock.Elapsed.TotalSeconds;
        if (streams.Any(s => s.Last.Tokens != tokens))
        {
            throw new InvalidOperationException($"A stream produced {streams.Min(s => s.Last.Tokens)} tokens instead of {tokens}.");
        }

        var (start, end) = (streams[0].First, streams[0].Last);
        var decoded = streams.Sum(s => s.Last.Tokens - s.First.Tokens);
        var decodeSpan = streams.Max(s => s.Last.Seconds) - streams.Min(s => s.First.Seconds);
        return (count * tokens / seconds, decoded / decodeSpan, (end.Tokens - start.Tokens) / (end.Seconds - start.Seconds));
    }
}
