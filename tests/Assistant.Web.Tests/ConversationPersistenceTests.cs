using Assistant.Core.Answering;
using Assistant.Web.Chat;
using Assistant.Web.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

public sealed class ConversationPersistenceTests
{
    [Fact]
    public async Task A_conversation_with_its_citations_and_feedback_survives_a_restart_of_the_web_host()
    {
        string dataDirectory;
        string conversationId;
        Answer firstAnswer;
        await using (var first = new PlantAppFactory { DeleteDataOnDispose = false })
        {
            await first.InitializeAsync();
            dataDirectory = first.DataDirectory;
            await using var scope = first.Services.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<ChatSession>();
            session.SetUser("badge-4711");
            await session.AskAsync(new AskRequest("How do I lock out the injection moulding machine?", Machine: "IM-1"));
            await session.AskAsync(new AskRequest("And which PPE for purging?", Machine: "IM-1"));
            await session.GiveFeedbackAsync(session.Exchanges[0], -1, "missing the heater step");
            conversationId = session.ConversationId!;
            firstAnswer = session.Exchanges[0].Answer!;
        }

        await using var restarted = new PlantAppFactory(dataDirectory);
        await using var after = restarted.Services.CreateAsyncScope();
        var reopened = after.ServiceProvider.GetRequiredService<ChatSession>();
        reopened.SetUser("badge-4711");

        var history = await reopened.HistoryAsync();
        var summary = Assert.Single(history);
        Assert.Equal(conversationId, summary.Id);
        Assert.Contains("lock out", summary.Title, StringComparison.OrdinalIgnoreCase);
        Assert.True(await reopened.OpenAsync(conversationId));
        Assert.Equal(2, reopened.Exchanges.Count);
        var exchange = reopened.Exchanges[0];
        Assert.Equal(ExchangeStatus.Done, exchange.Status);
        Assert.Equal(firstAnswer.Text, exchange.Text);
        Assert.Equal(firstAnswer.Citations.Select(c => c.PassageId), exchange.Answer!.Citations.Select(c => c.PassageId));
        Assert.Equal(-1, exchange.Feedback?.Rating);
        Assert.Equal("missing the heater step", exchange.Feedback?.Comment);

        reopened.SetUser("someone-else");
        Assert.Empty(await reopened.HistoryAsync());
    }
}
