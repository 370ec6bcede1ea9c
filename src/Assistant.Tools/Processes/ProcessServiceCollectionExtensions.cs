using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tools.Processes;

public static class ProcessServiceCollectionExtensions
{
    /// <summary>Registers the process models and the optimize_process tool from the <c>Processes</c> section.</summary>
    public static IServiceCollection AddProcessOptimizer(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
