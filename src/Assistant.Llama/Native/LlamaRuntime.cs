using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Llama.Native;

/// <summary>Which llama.cpp build runs in this process, and why that one.</summary>
/// <param name="Backend">"CUDA" or "CPU".</param>
/// <param name="Reason">Why this backend, in the operator's words.</param>
/// <param name="LibraryDirectory">The folder the libraries were loaded from.</param>
/// <param name="Devices">The devices ggml registered, e.g. "CUDA0 (NVIDIA H100)".</param>
public sealed record LlamaBackend(string Backend, string Reason, string LibraryDirectory, IReadOnlyList<string> Devices)
{
    public bool IsGpu => Backend == "CUDA";
}

/// <summary>Raised when the native runtime cannot be used; the message says what to do.</summary>
public sealed class LlamaRuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Loads llama.cpp once per process: picks the CPU or CUDA build, maps the library names of
/// <see cref="LlamaNative"/> to its files, loads the ggml backends and routes the native log to ILogger.
/// A process can hold only one build, so the first caller's choice stands.
/// </summary>
public static class LlamaRuntime
{
    private static readonly Lock Gate = new();
    private static LlamaBackend? _backend;
    private static string? _libraryDirectory;
    private static ILogger _nativeLog = NullLogger.Instance;

    [ThreadStatic]
    private static string? _lastError;

    public static LlamaBackend? Current => _backend;

    /// <summary>Loads the runtime (once) and returns the backend in use.</summary>
    public static LlamaBackend EnsureLoaded(LlamaOptions options, ILogger logger)
    {
        lock (Gate)
        {
            _nativeLog = logger;
            if (_backend is not null)
            {
                if (options.Gpu == LlamaGpuMode.Cuda && !_backend.IsGpu)
                {
                    throw new LlamaRuntimeException(
                        "Gpu = cuda, but this process already runs llama.cpp on the CPU; restart the process to switch.");
                }

                return _backend;
            }

            var root = string.IsNullOrWhiteSpace(options.NativeLibraryPath)
                ? Path.Combine(AppContext.BaseDirectory, "llama")
                : Path.GetFullPath(options.NativeLibraryPath);
            var cpuDir = Path.Combine(root, "cpu");
            var cudaDir = Path.Combine(root, "cuda");

            var (directory, wantCuda, reason) = ChooseBuild(options, cpuDir, cudaDir);
            if (FindLibrary(directory, "libllama.") is null)
            {
                throw new LlamaRuntimeException(
                    $"The llama.cpp libraries are not in {directory}. Build the project (dotnet build fetches them from npm into .native/) or set Llama:NativeLibraryPath.");
            }

            _libraryDirectory = directory;
            NativeLibrary.SetDllImportResolver(typeof(LlamaRuntime).Assembly, Resolve);

            unsafe
            {
                LlamaNative.llama_log_set(&OnNativeLog, nint.Zero);
            }

            LlamaNative.ggml_backend_load_all_from_path(directory);
            LlamaNative.llama_backend_init();

            var devices = ListDevices(out var hasGpu);
            if (wantCuda && !hasGpu)
            {
                if (options.Gpu == LlamaGpuMode.Cuda)
                {
                    throw new LlamaRuntimeException(
                        "Gpu = cuda, but the CUDA backend registered no GPU (driver missing, or libcudart.so.13/libcublas.so.13 not loadable). Fix the CUDA installation or set Llama:Gpu to auto or cpu.");
                }

                reason = "the CUDA build loaded but registered no GPU (driver or CUDA 13 runtime missing), so llama.cpp runs on the CPU";
            }

            var backend = new LlamaBackend(wantCuda && hasGpu ? "CUDA" : "CPU", reason, directory, devices);
            logger.LogInformation("llama.cpp {Version} on {Backend}: {Reason}. Devices: {Devices}",
                Marshal.PtrToStringUTF8(LlamaNative.llama_version()), backend.Backend, reason, string.Join(", ", devices));
            _backend = backend;
            return backend;
        }
    }

    /// <summary>The last error line llama.cpp logged on this thread, to explain a NULL it returned.</summary>
    internal static string? TakeLastError()
    {
        var error = _lastError;
        _lastError = null;
        return error;
    }

    private static (string Directory, bool Cuda, string Reason) ChooseBuild(LlamaOptions options, string cpuDir, string cudaDir)
    {
        if (options.Gpu == LlamaGpuMode.Cpu)
        {
            return (cpuDir, false, "Llama:Gpu is cpu");
        }

        var cudaBuild = Directory.Exists(cudaDir) && FindLibrary(cudaDir, "libllama.") is not null;
        var missingRuntime = cudaBuild ? ProbeCudaRuntime(options.CudaLibraryPath) : null;
        if (options.Gpu == LlamaGpuMode.Cuda)
        {
            if (!cudaBuild)
            {
                throw new LlamaRuntimeException(
                    $"Llama:Gpu is cuda, but the CUDA build of llama.cpp is not in {cudaDir}. Build with `dotnet build -p:LlamaGpu=true` (fetches the 143 MB CUDA package once).");
            }

            if (missingRuntime is not null)
            {
                throw new LlamaRuntimeException(
                    $"Llama:Gpu is cuda, but {missingRuntime} cannot be loaded. Install the NVIDIA driver and the CUDA 13 runtime, or point Llama:CudaLibraryPath at the folders holding libcudart.so.13 and libcublas.so.13.");
            }

            return (cudaDir, true, "Llama:Gpu is cuda");
        }

        if (!cudaBuild)
        {
            return (cpuDir, false, "Llama:Gpu is auto and the CUDA build is not installed (build with -p:LlamaGpu=true to add it)");
        }

        return missingRuntime is null
            ? (cudaDir, true, "Llama:Gpu is auto and the CUDA runtime loaded")
            : (cpuDir, false, $"Llama:Gpu is auto and {missingRuntime} cannot be loaded, so llama.cpp runs on the CPU");
    }

    /// <returns>The first CUDA library that does not load, or null when all do.</returns>
    private static string? ProbeCudaRuntime(string cudaLibraryPath)
    {
        // Loading them here, by full path when a folder is configured, also satisfies libggml-cuda's own
        // dependencies later: the dynamic linker reuses an already loaded library with the same soname.
        var folders = cudaLibraryPath.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in new[] { "libcuda.so.1", "libcudart.so.13", "libcublas.so.13" })
        {
            var loaded = folders.Any(f => File.Exists(Path.Combine(f, name)) && NativeLibrary.TryLoad(Path.Combine(f, name), out _))
                || NativeLibrary.TryLoad(name, out _);
            if (!loaded)
            {
                return name;
            }
        }

        return null;
    }

    private static List<string> ListDevices(out bool hasGpu)
    {
        hasGpu = false;
        var devices = new List<string>();
        var count = LlamaNative.ggml_backend_dev_count();
        for (nuint i = 0; i < count; i++)
        {
            var device = LlamaNative.ggml_backend_dev_get(i);
            var type = (GgmlBackendDeviceType)LlamaNative.ggml_backend_dev_type(device);
            hasGpu |= type == GgmlBackendDeviceType.Gpu;
            devices.Add($"{Marshal.PtrToStringUTF8(LlamaNative.ggml_backend_dev_name(device))} ({Marshal.PtrToStringUTF8(LlamaNative.ggml_backend_dev_description(device))})");
        }

        return devices;
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var prefix = name switch
        {
            LlamaNative.Llama => "libllama.",
            LlamaNative.Ggml => "libggml.",
            LlamaNative.GgmlBase => "libggml-base.",
            _ => null,
        };
        if (prefix is null || _libraryDirectory is null)
        {
            return nint.Zero;
        }

        var file = FindLibrary(_libraryDirectory, prefix);
        return file is null ? nint.Zero : NativeLibrary.Load(file);
    }

    /// <summary>The CPU and CUDA packages name their files differently (libllama.v0.5.0.so, libllama.cuda.v0.5.0.so).</summary>
    private static string? FindLibrary(string directory, string prefix) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, prefix + "*so*").OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault()
            : null;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnNativeLog(int level, nint text, nint userData)
    {
        try
        {
            var message = Marshal.PtrToStringUTF8(text)?.TrimEnd();
            if (string.IsNullOrEmpty(message))
            {
                return;
            }

            switch ((GgmlLogLevel)level)
            {
                case GgmlLogLevel.Error:
                    _lastError = message;
                    _nativeLog.LogError("llama.cpp: {Message}", message);
                    break;
                case GgmlLogLevel.Warn:
                    _nativeLog.LogWarning("llama.cpp: {Message}", message);
                    break;
                case GgmlLogLevel.Info:
                    _nativeLog.LogDebug("llama.cpp: {Message}", message);
                    break;
                default:
                    _nativeLog.LogTrace("llama.cpp: {Message}", message);
                    break;
            }
        }
        catch
        {
            // An exception must never unwind into native code.
        }
    }
}
