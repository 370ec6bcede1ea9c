using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Assistant.Web.Tests;

internal static class ApiAssert
{
    /// <summary>Asserts an RFC 7807 problem details answer with <paramref name="status"/> and returns its JSON.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static void NamesField(JsonElement problem, string field)
    {
        var errors = problem.GetProperty("errors");
        Assert.True(
            errors.EnumerateObject().Any(e => e.Name.StartsWith(field, StringComparison.OrdinalIgnoreCase)),
            $"expected an error for '{field}' in {errors}");
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);
}
