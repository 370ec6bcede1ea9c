using Assistant.Core;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.MicroBenchmarks;

/// <summary>
/// The sample plant as the assistant composes it (appsettings.json at the content root): the benchmarks measure the
/// classifiers and process models that ship in models/, not stand-ins.
/// </summary>
internal static class SamplePlant
{
    public static string ContentRoot { get; } = AssistantPaths.FindContentRoot();

    public static ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(ContentRoot)
            .AddJsonFile("appsettings.json", optional: false)
            .Build();
        return new ServiceCollection()
            .AddFaultClassifiers(configuration)
            .AddProcessOptimizer(configuration)
            .BuildServiceProvider();
    }

    public static ProcessModelCatalog Processes(IServiceProvider services) => services.GetRequiredService<ProcessModelCatalog>();

    public static FaultClassificationService Classifiers(IServiceProvider services) => services.GetRequiredService<FaultClassificationService>();
}
