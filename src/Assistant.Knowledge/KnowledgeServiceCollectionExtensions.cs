using Assistant.Core;
using Assistant.Core.Knowledge;
using Assistant.Core.Safety;
using Assistant.Knowledge.Indexing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assistant.Knowledge;

public static class KnowledgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the knowledge index and ingestor from the <c>Knowledge</c> section and, when
    /// <c>Knowledge:IngestOnStartup</c> is true, a
    /// background ingestion at start-up. Dense vectors are used when an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// is registered; otherwise search is lexical only.
    /// </summary>
    public static IServiceCollection AddKnowledge(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(KnowledgeOptions.Section);
        services.AddOptions<KnowledgeOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KnowledgeOptions>, KnowledgeOptionsValidator>());
        services.AddContentScreen();

        services.TryAddSingleton(sp =>
        {
            var contentRoot = AssistantPaths.ContentRoot(sp);
            return KnowledgeSettings.From(sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value, contentRoot);
        });
        services.TryAddSingleton(sp => new KnowledgeStore(sp.GetRequiredService<KnowledgeSettings>().IndexPath));
        services.TryAddSingleton(sp => new KnowledgeIngestor(
            sp.GetRequiredService<KnowledgeStore>(),
            sp.GetRequiredService<KnowledgeSettings>(),
            readers: null,
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<ILogger<KnowledgeIngestor>>()));
        services.TryAddSingleton<IKnowledgeIngestor>(sp => sp.GetRequiredService<KnowledgeIngestor>());
        services.TryAddSingleton(sp => new SqliteKnowledgeIndex(
            sp.GetRequiredService<KnowledgeStore>(),
            sp.GetRequiredService<KnowledgeSettings>(),
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>()));
        services.TryAddSingleton<IKnowledgeIndex>(sp => sp.GetRequiredService<SqliteKnowledgeIndex>());

        if (section.GetValue(nameof(KnowledgeOptions.IngestOnStartup), defaultValue: true))
        {
            services.AddHostedService<StartupIngestionService>();
        }

        return services;
    }

    private sealed class KnowledgeOptionsValidator : IValidateOptions<KnowledgeOptions>
    {
        public ValidateOptionsResult Validate(string? name, KnowledgeOptions options) =>
            options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}
