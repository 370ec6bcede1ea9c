using System.Reflection;
using System.Runtime.InteropServices;

namespace Assistant.Onnx.Native;

/// <summary>
/// Finds <c>libonnxruntime.so.1</c>: the build copies it beside the program; <c>ONNXRUNTIME_LIBRARY</c> overrides.
/// Kept apart from the imports so the binding never depends on how the file got here.
/// </summary>
internal static class OrtLibrary
{
    public const string Name = "onnxruntime";
    public const string PathVariable = "ONNXRUNTIME_LIBRARY";

    private static readonly string[] FileNames = ["libonnxruntime.so.1", "libonnxruntime.so", "libonnxruntime.dylib", "onnxruntime.dll"];
    private static int _resolverSet;

    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _resolverSet, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(OrtLibrary).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Name)
        {
            return IntPtr.Zero;
        }

        var path = Locate();
        return path is null ? IntPtr.Zero : NativeLibrary.Load(path);
    }

    /// <summary>The library file to load, or null when none is where we look.</summary>
    public static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new DllNotFoundException($"{PathVariable} points to '{fromEnvironment}', which does not exist.");
        }

        foreach (var dir in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(OrtLibrary).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(dir))
            {
                continue;
            }

            foreach (var file in FileNames)
            {
                var candidate = Path.Combine(dir, file);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
