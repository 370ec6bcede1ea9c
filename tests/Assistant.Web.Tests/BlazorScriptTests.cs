using System.Net;

namespace Assistant.Web.Tests;

public sealed class BlazorScriptTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    [Fact]
    public async Task The_blazor_script_is_served_so_the_chat_becomes_interactive()
    {
        var response = await factory.CreateClient().GetAsync("/_framework/blazor.web.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("Blazor", script);
        Assert.True(script.Length > 50_000, $"the script is only {script.Length} characters");
    }
}
