using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Core.Answering;

/// <summary>
/// The <see cref="IAnswerService"/> the UI and the API use: the model pipeline while a language model is loaded,
/// else retrieval-only (with directly run tools). Decided per request, so a model that fails to load leaves the
/// assistant answering instead of down.
/// </summary>
public sealed class AnswerService : IAnswerService
{
    private readonly IServiceProvider _services;
    private readonly ILanguageModelHost? _host;

    public AnswerService(IServiceProvider services, ILanguageModelHost? host = null)
    {
        _services = services;
        _host = host;
    }

    /// <summary><see cref="AnswerModes.Model"/> when the next answer will come from the model, else <see cref="AnswerModes.RetrievalOnly"/>.</summary>
    public string CurrentMode => _host?.ChatClient is null ? AnswerModes.RetrievalOnly : AnswerModes.Model;

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Resolved per mode: ModelAnswerService needs the host, which a model-less setup lacks, and the
        // retrieval-only side needs what AddKnowledge registers.
        IAnswerService chosen = _host?.ChatClient is null
            ? _services.GetRequiredService<DirectToolAnswerService>()
            : _services.GetRequiredService<ModelAnswerService>();
        await foreach (var update in chosen.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }
}
