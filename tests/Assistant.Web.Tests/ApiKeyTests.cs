using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Assistant.Core.Security;
using Assistant.Web.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

public sealed class ApiKeyTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "POST", "/api/v1/tickets/triage" },
        { "POST", "/api/v1/incidents" },
        { "POST", "/api/v1/ask" },
        { "POST", "/api/v1/feedback" },
        { "GET", "/api/v1/sources/anything" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_a_key_every_api_endpoint_is_401_with_www_authenticate(string method, string path)
    {
        using var client = factory.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? ApiAssert.Json("{}") : null });

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_key_is_401_and_a_key_of_another_deployment_too()
    {
        using var client = factory.CreateApiClient(ApiKeyHash.NewKey());

        var response = await client.PostJsonAsync("/api/v1/ask", new { question = "E-217?" });

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("not recognised", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_key_in_the_authorization_bearer_header_works_too()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestKeys.Full);

        var response = await client.PostJsonAsync("/api/v1/ask", new { question = "What does E-217 mean?" });

        await ApiAssert.OkAsync(response);
    }

    [Theory]
    [InlineData("/api/v1/ask", "ask")]
    [InlineData("/api/v1/incidents", "incidents:write")]
    [InlineData("/api/v1/feedback", "feedback")]
    public async Task A_key_without_the_scope_is_403_naming_the_scope(string path, string scope)
    {
        using var client = factory.CreateApiClient(TestKeys.TriageOnly);

        var response = await client.PostAsync(path, ApiAssert.Json("{}"));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains($"'{scope}'", problem.GetProperty("detail").GetString());
        Assert.Contains("triage-only", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_scoped_key_may_call_what_its_scope_allows()
    {
        using var client = factory.CreateApiClient(TestKeys.TriageOnly);

        var response = await client.PostJsonAsync("/api/v1/tickets/triage", new { ticketId = "KEY-1", machine = "HP-1", title = "oil leak at cylinder" });

        await ApiAssert.OkAsync(response);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_key()
    {
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task The_chat_page_is_served_without_a_key_and_a_key_changes_nothing_about_it()
    {
        using var anonymous = factory.CreateClient();
        using var keyed = factory.CreateApiClient();

        var plain = await anonymous.GetAsync("/");
        var withKey = await keyed.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.DoesNotContain("ticketing", await withKey.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Over_the_keys_rate_limit_the_answer_is_429_with_retry_after()
    {
        using var client = factory.CreateApiClient(TestKeys.Throttled);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4; i++)
        {
            var response = await client.PostJsonAsync("/api/v1/ask", new { question = "How do I lock out the press?" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
                break;
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var problem = await ApiAssert.ProblemAsync(refused!, HttpStatusCode.TooManyRequests);
        Assert.True(refused!.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After was '{refused.Headers.RetryAfter}'");
        Assert.Contains("throttled", problem.GetProperty("detail").GetString());

        // Another key is not held back by this one.
        using var other = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await other.PostJsonAsync("/api/v1/ask", new { question = "How do I lock out the press?" })).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_or_without_a_content_length()
    {
        using var client = factory.CreateApiClient();
        var big = JsonSerializer.Serialize(new { question = new string('x', 70_000) });

        var declared = await client.PostAsync("/api/v1/ask", ApiAssert.Json(big));
        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        var streamed = await client.PostAsync("/api/v1/tickets/triage", chunked);

        var problem = await ApiAssert.ProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("65536", problem.GetProperty("detail").GetString());
        await ApiAssert.ProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task The_audit_log_names_the_key_and_never_holds_a_key()
    {
        using var client = factory.CreateApiClient();
        await ApiAssert.OkAsync(await client.PostJsonAsync("/api/v1/tickets/triage",
            new { ticketId = "AUDIT-1", machine = "CNC-1", title = "coolant pump noisy" }));

        var entries = await factory.Services.GetRequiredService<AuditLog>().ReadAsync(500);

        var entry = Assert.Single(entries, e => e.Target == "AUDIT-1");
        Assert.Equal("api:ticketing", entry.Actor);
        Assert.Equal("ticket.triaged", entry.Action);
        foreach (var e in entries)
        {
            foreach (var key in new[] { TestKeys.Full, TestKeys.TriageOnly, TestKeys.Throttled })
            {
                Assert.DoesNotContain(key, e.Detail ?? "");
                Assert.DoesNotContain(ApiKeyHash.Compute(key)[7..], e.Detail ?? "");
            }
        }
    }
}
