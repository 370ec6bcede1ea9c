using Assistant.Web.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Assistant.EndToEnd.Tests;

public sealed class ChatInBrowserTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_technician_asks_opens_a_citation_and_rates_the_answer()
    {
        var page = await app.NewTabletPageAsync();
        await page.GotoAsync(app.BaseAddress.ToString());
        await page.Locator("main[data-interactive='true']").WaitForAsync();

        await page.GetByTestId("question").FillAsync("What does fault E-217 mean on CNC-2?");
        await page.GetByTestId("ask").ClickAsync();

        var answer = page.GetByTestId("answer").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "done");
        var citations = page.GetByTestId("citation");
        Assert.True(await citations.CountAsync() > 0, "the answer shows no citations");
        var manualCitation = citations.Filter(new() { HasText = "E-217" }).First;
        await Assertions.Expect(manualCitation).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "chat-answer.png"), FullPage = true });

        await manualCitation.ClickAsync();
        var passage = page.GetByTestId("source-passage");
        await Assertions.Expect(passage).ToBeVisibleAsync();
        await Assertions.Expect(passage).ToContainTextAsync("E-217");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "chat-source.png") });
        await page.GetByTestId("close-source").ClickAsync();
        await Assertions.Expect(passage).ToHaveCountAsync(0);

        await page.GetByTestId("thumbs-up").ClickAsync();
        await page.GetByTestId("feedback-comment").FillAsync("clear steps");
        await page.GetByTestId("feedback-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("feedback-thanks")).ToContainTextAsync("clear steps");

        var store = app.Services.GetRequiredService<ConversationStore>();
        var conversation = Assert.Single(await store.ListAsync("shop-floor"));
        var message = Assert.Single(await store.GetMessagesAsync(conversation.Id));
        Assert.Equal(1, message.Feedback?.Rating);
        Assert.Equal("clear steps", message.Feedback?.Comment);
        Assert.NotEmpty(message.Citations);
    }
}
