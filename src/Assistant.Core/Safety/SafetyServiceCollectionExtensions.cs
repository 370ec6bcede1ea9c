using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assistant.Core.Safety;

public static class SafetyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one content screen that ingestion and every answer path share. Each feature that shows or
    /// prompts with text calls this, so the screen is there whichever features a host composes.
    /// </summary>
    public static IServiceCollection AddContentScreen(this IServiceCollection services)
    {
        services.TryAddSingleton<IContentScreen, SafetyGuardScreen>();
        return services;
    }
}
