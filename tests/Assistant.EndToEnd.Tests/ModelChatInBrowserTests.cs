using Assistant.Llama.TestModels;
using Assistant.Web.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Assistant.EndToEnd.Tests;

/// <summary>The browser fixture with a real language model: the random-weight GGUF that make-test-model writes.</summary>
public sealed class ModelBrowserFixture : BrowserFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var models = TestModelWriter.WriteSet(Path.Combine(DataDirectory, "models"));
        foreach (var (key, value) in models.AssistantSettings())
        {
            builder.UseSetting(key, value);
        }
    }
}

public sealed class ModelChatInBrowserTests(ModelBrowserFixture app) : IClassFixture<ModelBrowserFixture>
{
    [Fact]
    public async Task A_tool_card_shows_the_classifier_result_while_the_answer_streams_and_feedback_is_stored()
    {
        var page = await app.NewTabletPageAsync();
        await page.GotoAsync(app.BaseAddress.ToString());
        await page.Locator("main[data-interactive='true']").WaitForAsync();
        await page.GetByText("Engineer").ClickAsync();

        await page.GetByTestId("question").FillAsync("Classify machine CNC-2 now");
        await page.GetByTestId("ask").ClickAsync();

        var card = page.Locator("[data-testid='tool-call'][data-tool='classify_fault']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60_000 });
        await Assertions.Expect(card.GetByTestId("classification")).ToContainTextAsync("heat_dissipation");
        await Assertions.Expect(card.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(6);

        var answer = page.GetByTestId("answer").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "done", new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "chat-tool-card.png"), FullPage = true });

        await page.GetByTestId("thumbs-down").ClickAsync();
        await page.GetByTestId("feedback-comment").FillAsync("text is noise");
        await page.GetByTestId("feedback-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("feedback-thanks")).ToContainTextAsync("text is noise");

        var store = app.Services.GetRequiredService<ConversationStore>();
        var conversation = Assert.Single(await store.ListAsync("shop-floor"));
        var message = Assert.Single(await store.GetMessagesAsync(conversation.Id));
        Assert.Equal(-1, message.Feedback?.Rating);
        var call = Assert.Single(message.ToolCalls);
        Assert.Equal("classify_fault", call.Name);
        Assert.Equal("model", message.Mode);
    }
}
