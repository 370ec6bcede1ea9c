using Assistant.Core.Answering;
using Assistant.Web.Storage;

namespace Assistant.Web.Api;

/// <summary>
/// Keeps API answers like chat answers (one conversation per call, under the key's name), so feedback by answer id
/// works the same for both and API answers become evaluation data too.
/// </summary>
public sealed class ApiAnswerRecorder(ConversationStore conversations)
{
    public async Task SaveAsync(HttpContext context, AskRequest request, Answer answer)
    {
        // Not the request's token: a client that hangs up after the answer still leaves it rateable.
        var conversation = await conversations.StartAsync(ApiCaller.Actor(context), request.Question, CancellationToken.None);
        await conversations.SaveMessageAsync(new StoredMessage(
            answer.Id, conversation.Id, 0, request.Question, request.Role, request.Machine, answer.Text, answer.Mode, "Done", null,
            answer.Citations, answer.ToolCalls, answer.Notes, DateTimeOffset.UtcNow, null), CancellationToken.None);
    }
}
