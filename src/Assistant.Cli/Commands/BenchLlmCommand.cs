using System.Diagnostics;
using System.Globalization;
using Assistant.Llama;
using Assistant.Llama.Inference;
using Assistant.Llama.Native;
using Assistant.Llama.TestModels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Cli.Commands;

/// <summary>
/// Decode speed of our generator against a plain C loop over the same llama.cpp library and model, and the
/// aggregate throughput of continuous batching with 1, 4 and 8 concurrent streams.
/// </summary>
public sealed class BenchLlmCommand : ICliCommand
{
    // Short, so the figures are about decoding; the test vocabulary spends about one token per character.
    private const string Prompt = "Press 2 stopped, fault E-217. Check first?";

    public string Name => "bench-llm";

    public string Summary => "Benchmark local model decoding: our loop vs a plain C loop (gcc), and 1/4/8 concurrent streams.";

    public string Usage => """
        [--model PATH] [--tokens N] [--threads N] [--gpu auto|cuda|cpu] [--gpu-layers N] [--rounds N] [--streams 1,4,8]
          --model       GGUF to run (default: a generated ~100M-parameter F16 model, written once to the temp folder)
          --tokens      tokens per stream (default 128)
          --threads     CPU threads for both loops (default: one per core)
          --gpu         backend, as Llama:Gpu (default auto); the C loop uses the same library folder
          --gpu-layers  layers to offload on a GPU (default -1, all)
          --rounds      timed runs per figure, best kept (default 3)
        Needs gcc on the PATH for the C loop.
        """;

    public async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        try
        {
            return await BenchmarkAsync(context, args, cancellationToken);
        }
        catch (Exception ex) when (ex is LlamaRuntimeException or LlamaModelLoadException or InvalidOperationException)
        {
            context.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private async Task<int> BenchmarkAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args);
        var tokens = line.GetInt("tokens", 128);
        var rounds = Math.Max(1, line.GetInt("rounds", 3));
        var streams = (line.Get("streams") ?? "1,4,8").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var options = new LlamaOptions
        {
            Gpu = Enum.TryParse<LlamaGpuMode>(line.Get("gpu") ?? "auto", ignoreCase: true, out var gpu) ? gpu : throw new UsageException("--gpu takes auto, cuda or cpu."),
            GpuLayers = line.GetInt("gpu-layers", -1),
            Threads = line.GetInt("threads", 0),
            ContextSize = 512,
            ParallelSequences = Math.Max(1, streams.Max()),
            BatchSize = 512,
            MaxContexts = 1,
        };
        if (tokens < 2 || tokens > 400)
        {
            throw new UsageException("--tokens takes 2 to 400 (the benchmark context holds 512 tokens).");
        }

        var modelPath = line.Get("model") ?? Path.Combine(Path.GetTempPath(), "assistant-bench", "bench-100m-f16.gguf");
        if (line.Get("model") is null && !File.Exists(modelPath))
        {
            context.Out.WriteLine($"Writing the benchmark model to {modelPath} ...");
            TestModelWriter.WriteChatModel(modelPath + ".tmp", TestModelShape.Benchmark, seed: 100, name: "shopfloor-bench-100m");
            File.Move(modelPath + ".tmp", modelPath, overwrite: true);
        }

        using var model = LlamaModel.Load(modelPath, options, NullLogger.Instance);
        var backend = LlamaRuntime.Current!;
        using var generator = new LlamaGenerator(model, options, [], NullLogger.Instance);
        var prompt = model.Tokenize(Prompt, addSpecial: true, parseSpecial: false);
        context.Out.WriteLine($"model    {Path.GetFileName(modelPath)}: {model.ParameterCount:N0} parameters, {new FileInfo(modelPath).Length / 1e6:F0} MB");
        context.Out.WriteLine($"backend  {backend.Backend} ({backend.Reason}); devices: {string.Join(", ", backend.Devices)}");
        context.Out.WriteLine($"threads  {options.EffectiveThreads}; prompt {prompt.Length} tokens; {tokens} tokens per stream; best of {rounds}");
        context.Out.WriteLine();

        var loop = await CompileCLoopAsync(context, cancellationToken);
        var gpuLayers = backend.IsGpu ? options.GpuLayers : 0;
        var cRate = 0.0;
        var oursRate = 0.0;
        await RunStreamsAsync(generator, prompt, tokens, 1, cancellationToken); // warm-up
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the two loops, so a busy moment on a shared machine hits both alike.
            cRate = Math.Max(cRate, await RunCLoopAsync(loop, backend.LibraryDirectory, modelPath, options.EffectiveThreads, gpuLayers, tokens, cancellationToken));
            oursRate = Math.Max(oursRate, (await RunStreamsAsync(generator, prompt, tokens, 1, cancellationToken)).DecodeRate);
        }

        context.Out.WriteLine("single stream, greedy decode (first token to last)");
        context.Out.WriteLine($"  plain C loop        {cRate,8:F1} tokens/s");
        context.Out.WriteLine($"  our loop (C#)       {oursRate,8:F1} tokens/s");
        context.Out.WriteLine($"  ratio ours / C      {oursRate / cRate,8:F3}   (goal >= 0.97)");
        context.Out.WriteLine();
        context.Out.WriteLine("concurrent streams (continuous batching, one decode call per step; prompt included)");
        var single = 0.0;
        foreach (var count in streams)
        {
            var aggregate = 0.0;
            for (var round = 0; round < rounds; round++)
            {
                aggregate = Math.Max(aggregate, (await RunStreamsAsync(generator, prompt, tokens, count, cancellationToken)).Aggregate);
            }

            single = count == 1 ? aggregate : single;
            var relative = single > 0 ? $"  x{aggregate / single:F2} of one stream" : "";
            context.Out.WriteLine($"  {count} stream{(count == 1 ? " " : "s")}           {aggregate,8:F1} tokens/s aggregate{relative}");
        }

        return 0;
    }

    /// <returns>
    /// Aggregate: tokens of all <paramref name="count"/> concurrent streams per second of wall time, prompts included;
    /// DecodeRate: tokens per second of the first stream between its first and its last token.
    /// </returns>
    private static async Task<(double Aggregate, double DecodeRate)> RunStreamsAsync(LlamaGenerator generator, int[] prompt, int tokens, int count, CancellationToken cancellationToken)
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
        return (count * tokens / seconds, (end.Tokens - start.Tokens) / (end.Seconds - start.Seconds));
    }

    private static async Task<string> CompileCLoopAsync(CliContext context, CancellationToken cancellationToken)
    {
        var source = Path.Combine(context.ContentRoot, "src", "Assistant.Cli", "Bench", "llama_loop.c");
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"The C loop's source is not at {source}; run the benchmark from the repository.", source);
        }

        var binary = Path.Combine(Path.GetTempPath(), "assistant-bench", "llama_loop");
        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        var (code, output) = await RunAsync("gcc", ["-O2", "-o", binary, source, "-ldl"], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"gcc could not compile {source}:\n{output}");
        }

        var (_, version) = await RunAsync("gcc", ["--version"], cancellationToken);
        context.Out.WriteLine($"C loop   compiled with {version.Split('\n')[0].Trim()}");
        return binary;
    }

    /// <returns>Decode tokens per second of the C loop (best of its three runs).</returns>
    private static async Task<double> RunCLoopAsync(string binary, string libraryDirectory, string model, int threads, int gpuLayers, int tokens, CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync(binary,
            [libraryDirectory, model, threads.ToString(CultureInfo.InvariantCulture), gpuLayers.ToString(CultureInfo.InvariantCulture), "512", tokens.ToString(CultureInfo.InvariantCulture), Prompt],
            cancellationToken);
        var fields = output.Split(' ', '\n').Where(p => p.Contains('=', StringComparison.Ordinal)).ToDictionary(p => p[..p.IndexOf('=')], p => p[(p.IndexOf('=') + 1)..]);
        if (code != 0 || !fields.TryGetValue("seconds", out var seconds) || !fields.TryGetValue("tokens", out var decoded))
        {
            throw new InvalidOperationException($"The C loop failed (exit {code}): {output}");
        }

        return int.Parse(decoded, CultureInfo.InvariantCulture) / double.Parse(seconds, CultureInfo.InvariantCulture);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
