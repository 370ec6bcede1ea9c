using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Assistant.Core;

/// <summary>
/// Where the assistant's files live. Relative paths in <c>appsettings.json</c> are resolved against the
/// content root: the folder holding <c>appsettings.json</c>, <c>knowledge/</c>, <c>models/</c> and <c>prompts/</c>.
/// </summary>
public static class AssistantPaths
{
    public const string RootVariable = "ASSISTANT_ROOT";

    /// <summary>
    /// <c>ASSISTANT_ROOT</c> when set; else the nearest folder at or above the working directory, then above
    /// the program's own folder, that holds <c>appsettings.json</c> and <c>knowledge/</c>; else the working directory.
    /// </summary>
    public static string FindContentRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(RootVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        return FindUpwards(Directory.GetCurrentDirectory())
            ?? FindUpwards(AppContext.BaseDirectory)
            ?? Directory.GetCurrentDirectory();
    }

    public static string Resolve(string contentRoot, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));

    /// <summary>The host's content root (or <see cref="FindContentRoot"/> outside a host).</summary>
    public static string ContentRoot(IServiceProvider services) =>
        services.GetService<IHostEnvironment>()?.ContentRootPath ?? FindContentRoot();

    /// <summary>A configured path resolved against the host's content root.</summary>
    public static string Resolve(IServiceProvider services, string path) => Resolve(ContentRoot(services), path);

    private static string? FindUpwards(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "appsettings.json")) &&
                Directory.Exists(Path.Combine(dir.FullName, "knowledge")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
