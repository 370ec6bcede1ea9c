namespace Assistant.Web;

/// <summary>Serves the Blazor script that BlazorWebScript.targets embeds (see there for why).</summary>
internal static class BlazorScriptEndpoint
{
    public static IEndpointRouteBuilder MapBlazorScript(this IEndpointRouteBuilder endpoints)
    {
        var script = ReadScript();
        endpoints.MapGet("/_framework/blazor.web.js", () => Results.Bytes(script, "text/javascript"))
            .ExcludeFromDescription();
        return endpoints;
    }

    private static byte[] ReadScript()
    {
        using var stream = typeof(BlazorScriptEndpoint).Assembly.GetManifestResourceStream("blazor.web.js")
            ?? throw new InvalidOperationException("blazor.web.js was not embedded at build time; see BlazorWebScript.targets.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
