using Assistant.Core.Answering;
using Assistant.Web.Chat;
using Assistant.Web.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assistant.Web.Tests;

/// <summary>
/// The chat page rendered by the framework's own HtmlRenderer (bunit does not restore here) over the real
/// services: what a technician sees after asking.
/// </summary>
public sealed class ChatPageRenderingTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    [Fact]
    public async Task After_a_question_the_page_shows_the_answer_its_citation_buttons_and_feedback()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<ChatSession>();
        await session.AskAsync(new AskRequest("How do I lock out the hydraulic press before maintenance?", Machine: "HP-1"));

        var html = await RenderAsync<ChatPage>(scope.ServiceProvider);

        Assert.Contains("How do I lock out the hydraulic press before maintenance?", html);
        Assert.Contains("data-testid=\"citations\"", html);
        var exchange = Assert.Single(session.Exchanges);
        Assert.Equal(ExchangeStatus.Done, exchange.Status);
        foreach (var citation in exchange.Answer!.Citations)
        {
            Assert.Contains(citation.Source, html);
        }

        Assert.Contains("class=\"btn btn-sm btn-outline-secondary citation-ref\"", html);
        Assert.Contains("data-testid=\"thumbs-up\"", html);
        Assert.Contains("HP-1", html);
    }

    [Fact]
    public async Task An_empty_chat_shows_the_plants_machines_to_choose_from_and_an_example()
    {
        await using var scope = factory.Services.CreateAsyncScope();

        var html = await RenderAsync<ChatPage>(scope.ServiceProvider);

        Assert.Contains("E-217", html);
        foreach (var machine in new[] { "HP-1", "CNC-2", "IM-1", "RC-2" })
        {
            Assert.Contains($"value=\"{machine}\"", html);
        }

        Assert.DoesNotContain("data-testid=\"exchange\"", html);
    }

    private static async Task<string> RenderAsync<TComponent>(IServiceProvider services)
        where TComponent : IComponent
    {
        // The page's form needs the navigation manager that a real request would have set up.
        var navigation = (IHostEnvironmentNavigationManager)services.GetRequiredService<NavigationManager>();
        navigation.Initialize("http://localhost/", "http://localhost/");
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TComponent>();
            return output.ToHtmlString();
        });
    }
}
