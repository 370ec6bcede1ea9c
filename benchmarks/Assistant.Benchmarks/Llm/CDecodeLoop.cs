using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Assistant.Benchmarks.Llm;

/// <summary>
/// The plain C decode loop (llama_loop.c, embedded in this assembly) that the generator is measured against,
/// compiled with the machine's gcc into the temp folder.
/// </summary>
internal sealed class CDecodeLoop
{
    private readonly string _binary;

    private CDecodeLoop(string binary) => _binary = binary;

    public static async Task<CDecodeLoop> CompileAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "assistant-bench")).FullName;
        var source = Path.Combine(folder, "llama_loop.c");
        await using (var resource = typeof(CDecodeLoop).Assembly.GetManifestResourceStream("llama_loop.c")
            ?? throw new InvalidOperationException("llama_loop.c is missing from the benchmark assembly."))
        await using (var file = File.Create(source))
        {
            await resource.CopyToAsync(file, cancellationToken);
        }

        var binary = Path.Combine(folder, "llama_loop");
        var (code, log) = await RunAsync("gcc", ["-O2", "-o", binary, source, "-ldl"], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"gcc could not compile {source}:\n{log}");
        }

        var (_, version) = await RunAsync("gcc", ["--version"], cancellationToken);
        output.WriteLine($"C loop   compiled with {version.Split('\n')[0].Trim()}");
        return new CDecodeLoop(binary);
    }

    /// <returns>Decode tokens per second of the C loop (best of its three runs).</returns>
    public async Task<double> RunAsync(string libraryDirectory, string model, int threads, int gpuLayers, int tokens, CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync(_binary,
            [libraryDirectory, model, threads.ToString(CultureInfo.InvariantCulture), gpuLayers.ToString(CultureInfo.InvariantCulture), "512", tokens.ToString(CultureInfo.InvariantCulture), DecodeBenchmark.Prompt],
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

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start {file} ({ex.Message}); the C loop needs gcc on the PATH.", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, (await stdout) + (await stderr));
        }
    }
}
