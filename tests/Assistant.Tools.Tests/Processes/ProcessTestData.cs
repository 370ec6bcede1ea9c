using Assistant.Tools.Processes;
using Microsoft.Extensions.Options;

namespace Assistant.Tools.Tests.Processes;

/// <summary>The repository's own process model files, found by walking up from the test binaries.</summary>
internal static class ProcessTestData
{
    public static string ModelsFolder { get; } = FindModelsFolder();

    public static ProcessModelCatalog Catalog { get; } = ProcessModelCatalog.LoadFolder(ModelsFolder);

    public static ProcessOptimizer Optimizer(int starts = 6, double timeLimitSeconds = 60, int maxParallelism = 0) =>
        new(Catalog, Options.Create(new ProcessOptimizerOptions { Starts = starts, TimeLimitSeconds = timeLimitSeconds, MaxParallelism = maxParallelism }));

    private static string FindModelsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "processes");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "appsettings.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No models/processes folder above {AppContext.BaseDirectory}.");
    }
}
