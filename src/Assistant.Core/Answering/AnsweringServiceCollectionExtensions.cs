using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Model;
using Assistant.Core.Answering.Safety;
using Assistant.Core.Answering.Tools;
using Assistant.Core.LanguageModel;
using Assistant.Core.Plant;
using Assistant.Core.Safety;
using Assistant.Core.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Assistant.Core.Answering;

public static class AnsweringServiceCollectionExtensions
{
    /// <summary>
    /// Registers the answer pipeline from the <c>Assistant</c> section: <see cref="IAnswerService"/> answers with the
    /// language model while one is loaded and retrieval-only otherwise. The pipeline needs the knowledge index
    /// (AddKnowledge), and uses the tools (<see cref="Microsoft.Extensions.AI.AIFunction"/>s) and the language
    /// model host (AddLlama) when they are registered; the order of these calls does not matter.
    /// </summary>
    public static IServiceCollection AddAnswering(this IServiceCollection services, IConfiguration configuration)
    {
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
        services.AddContentScreen();
        services.TryAddSingleton(sp => new PromptLibrary(AssistantPaths.Resolve(sp, sp.GetRequiredService<IOptions<AssistantOptions>>().Value.PromptsPath)));
        services.TryAddSingleton<SafetyProcedures>();

        // A host without a model: AddLlama adds the real one, which wins whichever of the two calls comes first.
        services.TryAddSingleton<ILanguageModelHost, NoLanguageModel>();

        services.TryAddSingleton<RetrievalOnlyAnswerService>();
        services.TryAddSingleton<DirectToolAnswerService>();
        services.TryAddSingleton<ModelAnswerService>();
        services.TryAddSingleton<IAnswerService, AnswerService>();
        return services;
    }
}
