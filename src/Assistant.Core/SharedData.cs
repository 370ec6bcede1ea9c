namespace Assistant.Core;

/// <summary>Finds the public data sets folder (<c>shared/data</c>) that tests, evals and benchmarks read in place.</summary>
public static class SharedData
{
    public const string Variable = "SHOPFLOOR_SHARED_DATA";

    /// <summary><c>SHOPFLOOR_SHARED_DATA</c> when set, else the first <c>shared/data</c> folder at or above <paramref name="start"/>.</summary>
    public static string? Find(string? start = null)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        foreach (var origin in new[] { start, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = origin is null ? null : new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The shared data folder, or an exception that says how to point at it.</summary>
    public static string Require(string? start = null) =>
        Find(start) ?? throw new DirectoryNotFoundException(
            $"The public data sets (a folder shared/data above {start ?? Directory.GetCurrentDirectory()}) were not found; set {Variable} to their folder.");

    /// <summary>A data set's folder, or an exception that says how to point at it.</summary>
    public static string RequireDataSet(string dataSet, string? start = null)
    {
        var root = Find(start) ?? throw new DirectoryNotFoundException(
            $"The shared data folder was not found above {start ?? Directory.GetCurrentDirectory()}; set {Variable} to the folder that holds {dataSet}/.");
        var path = Path.Combine(root, dataSet);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"{path} does not exist; set {Variable} to the folder that holds {dataSet}/.");
    }
}
