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

        // Bootstrap's primary blue on the Ask button: the page is styled, not bare HTML.
        var askColour = await page.GetByTestId("ask").EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor");
        Assert.Equal("rgb(13, 110, 253)", askColour);

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

    [Fact]
    public async Task A_dropped_connection_shows_the_banner_and_the_conversation_is_intact_after_reconnecting()
    {
        var page = await app.NewTabletPageAsync();
        var wifi = await ShopFloorWifi.AttachAsync(page);
        await page.GotoAsync(app.BaseAddress.ToString());
        await page.Locator("main[data-interactive='true']").WaitForAsync();
        await page.GetByTestId("question").FillAsync("How often is the return filter changed on the press?");
        await page.GetByTestId("ask").ClickAsync();
        await Assertions.Expect(page.GetByTestId("answer").Last).ToHaveAttributeAsync("data-status", "done");

        await wifi.DropAsync();
        var banner = page.GetByTestId("reconnect-banner");
        await Assertions.Expect(banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(banner).ToContainTextAsync("conversation is kept");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "chat-reconnecting.png") });

        wifi.Restore();
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("exchange")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("exchange").First).ToContainTextAsync("return filter");

        await page.GetByTestId("question").FillAsync("And the pilot filter?");
        await page.GetByTestId("ask").ClickAsync();
        await Assertions.Expect(page.GetByTestId("answer").Last).ToHaveAttributeAsync("data-status", "done");
        await Assertions.Expect(page.GetByTestId("exchange")).ToHaveCountAsync(2);
    }
}

/// <summary>
/// The tablet's flaky Wi-Fi, played by Playwright's routing: while it is down, the Blazor connection is closed and
/// every attempt to reconnect (negotiation, WebSocket, fallbacks) fails, as on a real dead access point.
/// </summary>
internal sealed class ShopFloorWifi
{
    private readonly List<IWebSocketRoute> _open = [];
    private volatile bool _down;

    public static async Task<ShopFloorWifi> AttachAsync(IPage page)
    {
        var wifi = new ShopFloorWifi();
        await page.RouteAsync("**/_blazor**", route => wifi._down ? route.AbortAsync() : route.ContinueAsync());
        await page.RouteWebSocketAsync("**/_blazor**", async ws =>
        {
            if (wifi._down)
            {
                await ws.CloseAsync();
                return;
            }

            ws.ConnectToServer();
            lock (wifi._open)
            {
                wifi._open.Add(ws);
            }
        });
        return wifi;
    }

    public async Task DropAsync()
    {
        _down = true;
        IWebSocketRoute[] open;
        lock (_open)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var ws in open)
        {
            await ws.CloseAsync(new() { Code = 1001, Reason = "access point lost" });
        }
    }

    public void Restore() => _down = false;
}
