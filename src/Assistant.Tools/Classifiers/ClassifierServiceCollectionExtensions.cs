using Assistant.Core;
using Assistant.Core.Plant;
using Assistant.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assistant.Tools.Classifiers;

public static class ClassifierServiceCollectionExtensions
{
    /// <summary>Registers the classifier registry and the classify_fault tool from the <c>Classifiers</c> section.</summary>
    public static IServiceCollection AddFaultClassifiers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClassifierOptions>()
            .Bind(configuration.GetSection(ClassifierOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Classifiers:Path must name the folder of classifier models.")
            .Validate(o => o.IntraOpThreads >= 0, "Classifiers:IntraOpThreads must be 0 (let ONNX Runtime decide) or more.");

        services.AddPlantLayout(configuration);
        services.AddOnnxRuntime(configuration);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ClassifierOptions>>().Value;
            return new FaultClassifierRegistry(
                AssistantPaths.Resolve(sp, options.Path),
                sp.GetRequiredService<OnnxSessionFactory>(),
                // Tree ensembles answer in microseconds on the CPU: a GPU round trip would only cost.
                new OnnxSessionSettings { IntraOpThreads = options.IntraOpThreads, MayUseGpu = false },
                sp.GetService<ILogger<FaultClassifierRegistry>>());
        });
        services.TryAddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<FaultClassifierRegistry>();
            var options = sp.GetRequiredService<IOptions<ClassifierOptions>>().Value;
            return new ReadingsSnapshot(AssistantPaths.Resolve(sp, options.ReadingsPath), (feature, text) => CategoryCode(registry, feature, text));
        });
        services.TryAddSingleton<FaultClassificationService>();
        services.TryAddSingleton<ClassifyFaultFunction>();
        services.AddSingleton<AIFunction>(sp => sp.GetRequiredService<ClassifyFaultFunction>());
        return services;
    }

    private static double? CategoryCode(FaultClassifierRegistry registry, string feature, string text)
    {
        foreach (var classifier in registry.Classifiers)
        {
            var spec = classifier.Manifest.Features.FirstOrDefault(f => string.Equals(f.Name, feature, StringComparison.OrdinalIgnoreCase));
            var index = spec?.Categories?.ToList().FindIndex(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) ?? -1;
            if (index >= 0)
            {
                return index;
            }
        }

        return null;
    }
}
