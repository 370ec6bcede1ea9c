using Assistant.Core;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Classifiers.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tools.Tests.Classifiers;

/// <summary>The repository's own folders and the public data, found from the test's working directory.</summary>
internal static class ClassifierTestEnvironment
{
    public static string RepoRoot { get; } = AssistantPaths.FindContentRoot();

    public static string ClassifierFolder => Path.Combine(RepoRoot, "models", "classifiers");

    public static string SharedDataRoot => SharedData.Require(RepoRoot);

    /// <summary>The services as the CLI and web host compose them, on the committed models and the readings snapshot.</summary>
    public static ServiceProvider Services(string? classifierFolder = null, string? readingsPath = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Classifiers:Path"] = classifierFolder ?? ClassifierFolder,
            ["Classifiers:ReadingsPath"] = readingsPath ?? Path.Combine(RepoRoot, "knowledge", "readings", "latest.csv"),
            ["Assistant:PlantLayoutPath"] = Path.Combine(RepoRoot, "knowledge", "plant.json"),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddFaultClassifiers(configuration).BuildServiceProvider();
    }
}
