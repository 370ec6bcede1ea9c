using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Assistant.Web.Tests;

/// <summary>
/// A few thousand malformed requests, generated from a fixed seed: bad JSON, wrong types, huge strings, odd Unicode,
/// missing and unknown fields. Every answer must be a problem details document with a 4xx status, and the host must
/// still answer a good request afterwards.
/// </summary>
public sealed class RobustnessTests(PlantAppFactory factory) : IClassFixture<PlantAppFactory>
{
    private const int Requests = 3000;

    private static readonly string[] Paths = ["/api/v1/tickets/triage", "/api/v1/incidents", "/api/v1/ask", "/api/v1/feedback"];

    private static readonly string[] OddStrings =
    [
        "\u0000", "\ud800", "\udfff", "\u202e\u202dE-217", "\u200b\u200b", "e\u0301\u0301\u0301", "😀🔧⚙️", "\uFEFF", "\uFFFF",
        "Ω≈ç√∫", "<script>alert(1)</script>", "'; DROP TABLE audit; --", "../../etc/passwd", "%00%0a", "\r\n\r\n", "\t",
        "ＣＮＣ－２", "İıſ", new string('\u0300', 500),
    ];

    [Fact]
    public async Task Thousands_of_malformed_requests_get_problem_details_and_never_a_server_error()
    {
        using var client = factory.CreateApiClient();
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var next = -1;

        async Task WorkerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                // One generator per request index: the same seed gives the same request whatever the thread order.
                var random = new Random(20250514 + i);
                var path = Paths[random.Next(Paths.Length)];
                using var request = Malformed(random, path, out var kind);
                using var response = await client.SendAsync(request);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, c) => c + 1);
                var text = await response.Content.ReadAsStringAsync();
                var problem = Check(response, text);
                if (problem is not null)
                {
                    failures.Add($"#{i} {kind} {path} -> {(int)response.StatusCode}: {problem} {Shorten(text)}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(WorkerAsync)));

        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers, e.g.:\n{string.Join("\n", failures.Take(10))}");
        Assert.True(new[] { 400, 413, 415 }.All(statuses.ContainsKey), $"expected 400, 413 and 415 among the answers, got {string.Join(", ", statuses)}");
        var good = await client.PostAsync("/api/v1/tickets/triage", ApiAssert.Json("""{"ticketId": "AFTER-FUZZ", "machine": "HP-1", "title": "oil leak"}"""));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.False(File.Exists(Path.Combine(factory.KnowledgeRoot, "incidents", "from-ticketing.csv")), "a malformed incident was recorded");
    }

    private static string? Check(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        if (status is < 400 or >= 500)
        {
            return "not a 4xx";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"content type {response.Content.Headers.ContentType}";
        }

        try
        {
            var json = JsonDocument.Parse(text).RootElement;
            if (!json.TryGetProperty("status", out var s) || s.GetInt32() != status || string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()))
            {
                return "problem without matching status or title";
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "not a problem document";
        }

        return null;
    }

    private static HttpRequestMessage Malformed(Random random, string path, out string kind)
    {
        var valid = ValidBody(path);
        byte[] body;
        var contentType = "application/json";
        switch (random.Next(9))
        {
            case 0:
                kind = "bad-json";
                var text = valid.ToJsonString();
                body = Encoding.UTF8.GetBytes(random.Next(4) switch
                {
                    0 => text[..random.Next(text.Length)],
                    1 => text.Replace(':', random.Next(2) == 0 ? '=' : ';'),
                    2 => new[] { "", "{", "}", "[]", "null", "42", "\"text\"", "{\"a\":}", "{'ticketId': 'x'}", "{,}" }[random.Next(10)],
                    _ => new string('[', 200) + new string(']', 200),
                });
                break;
            case 1:
                kind = "random-bytes";
                body = new byte[random.Next(1, 400)];
                random.NextBytes(body);
                break;
            case 2:
                kind = "wrong-type";
                var field = RandomField(random, valid);
                if (field == "rating")
                {
                    field = "answerId";
                }

                valid[field] = random.Next(5) switch
                {
                    0 => JsonValue.Create(random.Next()),
                    1 => new JsonArray(1, 2, 3),
                    2 => new JsonObject { ["nested"] = "x" },
                    3 => JsonValue.Create(true),
                    _ => JsonValue.Create(random.NextDouble() * 1e300),
                };
                Invalidate(random, valid, path);
                body = Encoding.UTF8.GetBytes(valid.ToJsonString());
                break;
            case 3:
                kind = "huge-string";
                var huge = RandomField(random, valid);
                valid[huge] = new string((char)random.Next('a', 'z'), random.Next(5_000, 120_000));
                if (huge != KeyField(path))
                {
                    Invalidate(random, valid, path);
                }
                body = Encoding.UTF8.GetBytes(valid.ToJsonString());
                break;
            case 4:
                kind = "odd-unicode";
                var odd = string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => OddStrings[random.Next(OddStrings.Length)]));
                // A machine filter of only white space means "no filter": keep a letter so it stays an unknown machine.
                valid[OddField(path)] = path == "/api/v1/ask" ? "Z" + odd : odd;
                body = Encoding.UTF8.GetBytes(valid.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                break;
            case 5:
                kind = "missing-fields";
                foreach (var name in valid.Select(p => p.Key).Where(_ => random.Next(2) == 0).Append(KeyField(path)).Distinct().ToList())
                {
                    valid.Remove(name);
                }

                body = Encoding.UTF8.GetBytes(valid.ToJsonString());
                break;
            case 6:
                kind = "unknown-field";
                valid["x" + random.Next(1000)] = "surprise";
                body = Encoding.UTF8.GetBytes(valid.ToJsonString());
                break;
            case 7:
                kind = "wrong-content-type";
                body = Encoding.UTF8.GetBytes(valid.ToJsonString());
                contentType = new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x" }[random.Next(4)];
                break;
            default:
                kind = "invalid-utf8";
                var bytes = Encoding.UTF8.GetBytes(valid.ToJsonString()).ToList();
                var quote = bytes.IndexOf((byte)'"', bytes.IndexOf((byte)':') + 1);
                bytes.InsertRange(quote + 1, [0xC3, 0x28, 0xFF, 0xFE]);
                body = bytes.ToArray();
                break;
        }

        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>Makes sure a body with a field of the right shape but a strange value still cannot be accepted.</summary>
    private static void Invalidate(Random random, JsonObject body, string path)
    {
        if (random.Next(2) == 0)
        {
            body.Remove(KeyField(path));
        }
        else
        {
            body[OddField(path)] = " not a valid id ";
        }
    }

    private static string KeyField(string path) => path switch
    {
        "/api/v1/tickets/triage" => "ticketId",
        "/api/v1/incidents" => "id",
        "/api/v1/ask" => "question",
        _ => "rating",
    };

    /// <summary>A field that no odd value can make valid (an id, a machine, a rating), unlike free text.</summary>
    private static string OddField(string path) => path == "/api/v1/ask" ? "machine" : KeyField(path);

    private static string RandomField(Random random, JsonObject body)
    {
        var names = body.Select(p => p.Key).ToList();
        return names[random.Next(names.Count)];
    }

    private static JsonObject ValidBody(string path) => path switch
    {
        "/api/v1/tickets/triage" => new JsonObject
        {
            ["ticketId"] = "FUZZ-1", ["machine"] = "CNC-2", ["title"] = "E-217 spindle hot", ["description"] = "chiller on",
            ["readings"] = new JsonObject { ["torque"] = 40.5 },
        },
        "/api/v1/incidents" => new JsonObject
        {
            ["id"] = "FUZZ-INC-1", ["date"] = "2025-05-14", ["machine"] = "CNC-2", ["reporterRole"] = "technician",
            ["symptom"] = "spindle hot", ["faultCode"] = "E-217", ["rootCause"] = "filter", ["action"] = "changed filter",
            ["parts"] = new JsonArray("VMC-CHF-050"), ["downtimeMinutes"] = 30,
        },
        "/api/v1/ask" => new JsonObject { ["question"] = "What does E-217 mean?", ["machine"] = "CNC-2", ["topK"] = 3 },
        _ => new JsonObject { ["answerId"] = "no-such-answer", ["rating"] = 1, ["comment"] = "ok" },
    };

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
