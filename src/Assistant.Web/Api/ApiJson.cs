using System.Text.Json;
using System.Text.Json.Serialization;
using Assistant.Web.Security;
using Microsoft.Extensions.Options;

namespace Assistant.Web.Api;

/// <summary>
/// How the REST API reads request bodies: strict (unknown fields and wrong types are errors) and with a
/// problem details answer that names the field and what to send instead, rather than a bare 400.
/// </summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        MaxDepth = 16,
    };

    /// <summary>Reads the body as <typeparamref name="T"/>, or returns the problem to answer with.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The body must be JSON.",
                detail: "Send the request with 'Content-Type: application/json'."));
        }

        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.MaxBodyBytes;
        var body = await ReadLimitedAsync(request, limit, cancellationToken);
        if (body is null)
        {
            return (null, TooLarge(limit));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body.Value.Span, Options);
            return value is null
                ? (null, Invalid("$", "The body is empty or null; send a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
            return (null, Invalid(field, Describe(ex)));
        }
    }

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes of the body; null when it is larger. Enforced here, while reading,
    /// because not every server enforces Content-Length limits (the test server does not; chunked bodies have none).
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadLimitedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    public static IResult TooLarge(int limit) =>
        Results.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The request body is too large.",
            detail: $"At most {limit} bytes are accepted. Shorten the text fields or split the request.");

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: "The request is not valid.");

    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "The request is not valid.");

    private static string Describe(JsonException ex)
    {
        // System.Text.Json's messages name the CLR type; say it in the API's terms and keep the position.
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return message
            .Replace("System.String", "a string", StringComparison.Ordinal)
            .Replace("System.Int32", "a whole number", StringComparison.Ordinal)
            .Replace("System.Double", "a number", StringComparison.Ordinal)
            .Replace("System.Boolean", "true or false", StringComparison.Ordinal);
    }
}
