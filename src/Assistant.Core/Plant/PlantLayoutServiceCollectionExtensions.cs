using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assistant.Core.Plant;

public static class PlantLayoutServiceCollectionExtensions
{
    public const string PathKey = "Assistant:PlantLayoutPath";
    public const string DefaultPath = "knowledge/plant.json";

    /// <summary>
    /// Registers the plant's layout from <c>Assistant:PlantLayoutPath</c>, once: the classifiers, the answer
    /// pipeline and the UI all read the same machines and lines.
    /// </summary>
    public static IServiceCollection AddPlantLayout(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(sp => PlantLayout.Load(AssistantPaths.Resolve(sp, configuration[PathKey] ?? DefaultPath)));
        return services;
    }
}
