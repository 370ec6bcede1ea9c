using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Assistant.Core.LanguageModel;

namespace Assistant.Llama;

public static class LlamaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the local model runtime from the <c>Llama</c> section: <see cref="ILanguageModelHost"/> (always;
    /// without a usable model its ChatClient is null and the assistant answers retrieval-only), the model host as
    /// a hosted service (loads at startup), <see cref="IChatClient"/> (resolves to null without a model), and
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> when <c>Llama:EmbeddingModelPath</c> is set.
    /// </summary>
    public static IServiceCollection AddLlama(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(LlamaOptions.SectionName);
        services.AddOptions<LlamaOptions>().Bind(section);
        services.TryAddSingleton<LlamaModelHost>();
        // Added, not tried: it replaces the model-less host AddAnswering registers, whichever call comes first.
        services.AddSingleton<ILanguageModelHost>(sp => sp.GetRequiredService<LlamaModelHost>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LlamaModelHost>());
        services.TryAddSingleton<IChatClient>(sp => sp.GetRequiredService<LlamaModelHost>().ChatClient!);
        if (!string.IsNullOrWhiteSpace(section[nameof(LlamaOptions.EmbeddingModelPath)]))
        {
            services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new HostedEmbeddingGenerator(sp.GetRequiredService<LlamaModelHost>()));
        }

        return services;
    }
}
