using Assistant.Core.Answering.Model;
using Assistant.Core.Answering.Tools;
using Assistant.Core.LanguageModel;

namespace Assistant.Core.Answering;

/// <summary>
/// The <see cref="IAnswerService"/> the UI and the API use: the model pipeline while a language model is loaded,
/// else retrieval-only (with directly run tools). Decided per request, so a model that fails to load leaves the
/// assistant answering instead of down.
/// </summary>
public sealed class AnswerService(ILanguageModelHost host, ModelAnswerService model, DirectToolAnswerService retrievalOnly) : IAnswerService
{
    public IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, CancellationToken cancellationToken = default) =>
        host.ChatClient is null
            ? retrievalOnly.StreamAsync(request, cancellationToken)
            : model.StreamAsync(request, cancellationToken);
}
