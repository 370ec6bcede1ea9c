namespace Assistant.Tools.Classifiers.Training;

/// <summary>Finds the public data sets (<c>shared/data</c>): <c>SHOPFLOOR_SHARED_DATA</c>, else the nearest folder above holding <c>shared/data</c>.</summary>
public static class SharedData
{
    public const string Variable = "SHOPFLOOR_SHARED_DATA";

    public static string? Find(string? start = null)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        foreach (var origin in new[] { start, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = string.IsNullOrEmpty(origin) ? null : new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
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

    public static string Require(string? start = null) =>
        Find(start) ?? throw new DirectoryNotFoundException(
            $"The public data sets (a folder shared/data above the working directory) were not found; set {Variable} to their folder.");
}
