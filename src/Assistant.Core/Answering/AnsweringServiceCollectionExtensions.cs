using Assistant.Core.Knowledge;
using Assistant.Core.Plant;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Assistant.Core.Answering;

public static class AnsweringServiceCollectionExtensions
{
    /// <summary>Key of the retrieval-only answerer that <see cref="AddAnswering"/> wraps (registered before it, by AddKnowledge).</summary>
    public const string RetrievalOnlyKey = AnswerModes.RetrievalOnly;

    /// <summary>
    /// Registers the answer pipeline (model-backed when a chat model is registered, else retrieval-only) from the
    /// <c>Assistant</c> section. Call it after AddKnowledge: the retrieval-only answerer AddKnowledge registers as
    /// <see cref="IAnswerService"/> becomes the fallback (still resolvable as its own type), and
    /// <see cref="IAnswerService"/> becomes <see cref="AnswerService"/>, which picks the model or the fallback per request.
    /// </summary>
    public static IServiceCollection AddAnswering(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AnswerService)))
        {
            return services;
        }

        var retrievalOnly = services.LastOrDefault(d => d.ServiceType == typeof(IAnswerService) && !d.IsKeyedService);
        var lifetime = retrievalOnly?.Lifetime ?? ServiceLifetime.Singleton;

        services.AddOptions<AssistantOptions>()
            .Bind(configuration.GetSection(AssistantOptions.SectionName))
            .Validate(o => o.MaxToolRounds is >= 0 and <= 10, "Assistant:MaxToolRounds must be between 0 and 10.")
            .Validate(o => o.AnswerTokens >= 16, "Assistant:AnswerTokens must be at least 16.")
            .Validate(o => o.MessageOverheadTokens >= 0, "Assistant:MessageOverheadTokens must not be negative.")
            .Validate(o => o.Temperature is >= 0f and <= 2f, "Assistant:Temperature must be between 0 and 2.")
            .Validate(o => o.MaxPassages is >= 1 and <= 50, "Assistant:MaxPassages must be between 1 and 50.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.PromptsPath), "Assistant:PromptsPath must name the prompts folder.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.EscalateTo), "Assistant:EscalateTo must say who unanswered questions go to.")
            .Validate(
                o => o.Adapters.ByRole.Values.Concat(o.Adapters.QuestionKinds.Select(k => k.Adapters))
                    .SelectMany(a => a.Values).All(s => float.IsFinite(s) && s is >= 0f and <= 4f),
                "Assistant:Adapters scales must be between 0 and 4.")
            .Validate(
                o => o.Adapters.ByRole.Keys.All(r => Enum.TryParse<UserRole>(r, ignoreCase: true, out _)),
                $"Assistant:Adapters:ByRole keys must be roles: {string.Join(", ", Enum.GetNames<UserRole>())}.")
            .Validate(
                o => o.Adapters.QuestionKinds.All(k => !string.IsNullOrWhiteSpace(k.Name) && k.Keywords.Count > 0),
                "Each Assistant:Adapters:QuestionKinds entry needs a Name and at least one keyword.")
            .ValidateOnStart();

        services.AddPlantLayout(configuration);
        services.TryAddSingleton(sp => new PromptLibrary(AssistantPaths.Resolve(sp, sp.GetRequiredService<IOptions<AssistantOptions>>().Value.PromptsPath)));

        // The retrieval-only answerer moves under a key; its concrete type stays resolvable for whoever needs it.
        if (retrievalOnly is null)
        {
            // The host still starts (model answers work); a retrieval-only answer says what is missing.
            services.Add(new ServiceDescriptor(typeof(IAnswerService), RetrievalOnlyKey, (_, _) => throw new InvalidOperationException(
                "No retrieval-only answerer is registered: AddAnswering wraps the IAnswerService that AddKnowledge registers; call AddKnowledge before AddAnswering."),
                lifetime));
        }
        else if (retrievalOnly.ImplementationType is { } type)
        {
            services.Remove(retrievalOnly);
            services.TryAdd(new ServiceDescriptor(type, type, lifetime));
            services.Add(new ServiceDescriptor(typeof(IAnswerService), RetrievalOnlyKey, (sp, _) => sp.GetRequiredService(type), lifetime));
        }
        else if (retrievalOnly.ImplementationFactory is { } factory)
        {
            services.Remove(retrievalOnly);
            services.Add(new ServiceDescriptor(typeof(IAnswerService), RetrievalOnlyKey, (sp, _) => factory(sp), lifetime));
        }
        else
        {
            services.Remove(retrievalOnly);
            services.Add(new ServiceDescriptor(typeof(IAnswerService), RetrievalOnlyKey, retrievalOnly.ImplementationInstance!));
        }

        services.Add(new ServiceDescriptor(typeof(SafetyProcedures), sp => new SafetyProcedures(
            sp.GetRequiredService<IKnowledgeIndex>(),
            sp.GetRequiredService<PromptLibrary>(),
            sp.GetRequiredService<PlantLayout>(),
            sp.GetRequiredService<IOptions<AssistantOptions>>().Value), lifetime));
        services.Add(new ServiceDescriptor(typeof(DirectToolAnswerService), sp => ActivatorUtilities.CreateInstance<DirectToolAnswerService>(
            sp, sp.GetRequiredKeyedService<IAnswerService>(RetrievalOnlyKey)), lifetime));
        // A factory, so a host without a language model (no ILanguageModelHost) still passes ValidateOnBuild.
        services.Add(new ServiceDescriptor(typeof(ModelAnswerService), sp => ActivatorUtilities.CreateInstance<ModelAnswerService>(sp), lifetime));
        services.Add(new ServiceDescriptor(typeof(AnswerService), typeof(AnswerService), lifetime));
        services.Add(new ServiceDescriptor(typeof(IAnswerService), sp => sp.GetRequiredService<AnswerService>(), lifetime));
        return services;
    }

}
