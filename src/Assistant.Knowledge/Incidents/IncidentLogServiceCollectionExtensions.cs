using Assistant.Core.Knowledge;
using Assistant.Knowledge.Indexing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assistant.Knowledge.Incidents;

public static class IncidentLogServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IIncidentLog"/> over the knowledge index (call after <c>AddKnowledge</c>).</summary>
    public static IServiceCollection AddIncidentLog(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<IncidentLogOptions>().Bind(section);
        services.TryAddSingleton<IIncidentLog>(sp => new CsvIncidentLog(
            sp.GetRequiredService<KnowledgeStore>(),
            sp.GetRequiredService<KnowledgeIngestor>(),
            sp.GetRequiredService<KnowledgeSettings>(),
            sp.GetRequiredService<IOptions<IncidentLogOptions>>().Value.Path,
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<ILogger<CsvIncidentLog>>()));
        return services;
    }
}
