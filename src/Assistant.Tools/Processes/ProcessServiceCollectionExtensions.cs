using Assistant.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assistant.Tools.Processes;

public static class ProcessServiceCollectionExtensions
{
    /// <summary>Registers the process models and the optimize_process tool (a function of the plant's kernel plugin) from the <c>Processes</c> section.</summary>
    public static IServiceCollection AddProcessOptimizer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProcessOptimizerOptions>()
            .Bind(configuration.GetSection(ProcessOptimizerOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Processes:Path must name the folder of process model files.")
            .Validate(o => o.Starts is >= 1 and <= 100, "Processes:Starts must be between 1 and 100.")
            .Validate(o => o.TimeLimitSeconds is > 0 and <= 600, "Processes:TimeLimitSeconds must be between 0 and 600 seconds.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ProcessOptimizerOptions>>().Value;
            var root = AssistantPaths.ContentRoot(sp);
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger<ProcessModelCatalog>();
            return ProcessModelCatalog.LoadFolder(AssistantPaths.Resolve(root, options.Path), logger);
        });
        services.AddSingleton<ProcessOptimizer>();
        services.TryAddSingleton<OptimizeProcessFunction>();
        // The answer pipeline makes every registered AIFunction a function of the plant's kernel plugin, behind its
        // filters (PlantTools). Added once however often this is called, so the plugin never sees two optimize_processes.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AIFunction, OptimizeProcessFunction>(sp => sp.GetRequiredService<OptimizeProcessFunction>()));
        return services;
    }
}
