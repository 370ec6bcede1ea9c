using System.Text.Json;
using Assistant.Core.Answering;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Assistant.Web.Api;

/// <summary>
/// Writes an answer stream as server-sent events: text deltas as they come, tool calls as they start and finish, the
/// final answer last. A failure after the stream has started cannot change the status code, so it is an 'error' event.
/// </summary>
internal sealed class AnswerEventStream(IAsyncEnumerable<AnswerUpdate> updates, Func<Answer, Task> onAnswer) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var logger = context.RequestServices.GetRequiredService<ILogger<AnswerEventStream>>();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var cancellationToken = context.RequestAborted;

        try
        {
            await foreach (var update in updates.WithCancellation(cancellationToken))
            {
                switch (update)
                {
                    case AnswerTextDelta delta:
                        await WriteAsync(response, "delta", new { text = delta.Text }, json, cancellationToken);
                        break;
                    case ToolCallStarted started:
                        await WriteAsync(response, "tool-call-started", new { call = started.Call }, json, cancellationToken);
                        break;
                    case ToolCallCompleted completed:
                        await WriteAsync(response, "tool-call-completed", new { call = completed.Call }, json, cancellationToken);
                        break;
                    case AnswerCompleted done:
                        await onAnswer(done.Answer);
                        await WriteAsync(response, "answer", done.Answer, json, cancellationToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing left to tell it.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The answer stream failed");
            await WriteAsync(response, "error", new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "The answer could not be completed.",
                Detail = "The assistant failed while answering; the log has the details. Ask again, or without stream=true.",
            }, json, CancellationToken.None);
        }
    }

    private static async Task WriteAsync<T>(HttpResponse response, string name, T data, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(data, json);
        await response.WriteAsync($"event: {name}\ndata: {payload}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
