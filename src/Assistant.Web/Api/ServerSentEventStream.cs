using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Assistant.Web.Api;

/// <summary>The <c>Api:EventStream</c> section: how server-sent event streams stay open through proxies.</summary>
public sealed class EventStreamOptions
{
    public const string SectionName = "Api:EventStream";

    /// <summary>Seconds between <c>: keep-alive</c> comments, so proxies and clients do not close a quiet stream.</summary>
    public double KeepAliveSeconds { get; set; } = 15;
}

/// <summary>
/// The one writer of server-sent event streams in the API (<c>/api/v1/ask</c> with stream=true; any later stream).
/// Headers (<c>text/event-stream</c>, <c>Cache-Control: no-cache</c>, <c>X-Accel-Buffering: no</c> so nginx does
/// not hold events back) and a first <c>: keep-alive</c> comment go out at once, before the first event exists;
/// each event goes out the moment it is produced, formatted by <see cref="SseFormatter"/>; a <c>: keep-alive</c>
/// comment follows every <see cref="EventStreamOptions.KeepAliveSeconds"/> while the stream is open (SseFormatter
/// and TypedResults.ServerSentEvents write no comments, and the latter sends nothing before its first item). When
/// the client goes, the request's cancellation stops the producer. An event's data is written as is when it is a
/// string and as JSON (the app's settings) otherwise.
/// </summary>
/// <param name="events">The stream's events; enumerated with the request's cancellation token.</param>
/// <param name="onError">The event that reports a failure of the producer: the status code is already sent.</param>
internal sealed class ServerSentEventStream(IAsyncEnumerable<SseItem<object?>> events, Func<Exception, SseItem<object?>> onError) : IResult
{
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var interval = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<EventStreamOptions>>().Value.KeepAliveSeconds);
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetRequiredService<ILogger<ServerSentEventStream>>();
        var response = context.Response;
        var body = response.Body;
        var aborted = context.RequestAborted;

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var ticking = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var enumerator = events.GetAsyncEnumerator(aborted);
        Task<bool>? next = null;
        try
        {
            await response.StartAsync(aborted);
            await WriteAsync(body, KeepAlive, aborted);
            Task? tick = null;
            while (true)
            {
                next ??= enumerator.MoveNextAsync().AsTask();
                tick ??= Task.Delay(interval, time, ticking.Token);
                if (await Task.WhenAny(next, tick) == tick)
                {
                    await tick; // throws when the client has gone
                    tick = null;
                    await WriteAsync(body, KeepAlive, aborted);
                    continue;
                }

                var more = await next;
                next = null;
                if (!more)
                {
                    break;
                }

                await WriteEventAsync(body, enumerator.Current, json, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away; its request's cancellation has stopped the producer.
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            logger.LogError(ex, "The event stream of {Path} failed", context.Request.Path);
            await TryWriteErrorAsync(body, onError(ex), json, logger);
        }
        finally
        {
            await ticking.CancelAsync();
            // An async iterator cannot be disposed while a MoveNextAsync is running: let it finish (it is cancelled).
            if (next is not null)
            {
                await Task.WhenAny(next);
            }

            await enumerator.DisposeAsync();
        }
    }

    private static async Task TryWriteErrorAsync(Stream body, SseItem<object?> error, JsonSerializerOptions json, ILogger logger)
    {
        try
        {
            await WriteEventAsync(body, error, json, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogDebug(ex, "The client left before the error event could be sent");
        }
    }

    private static async Task WriteEventAsync(Stream body, SseItem<object?> item, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await SseFormatter.WriteAsync(new[] { item }.ToAsyncEnumerable(), body, (e, buffer) => Format(e.Data, buffer, json), cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    private static async Task WriteAsync(Stream body, byte[] bytes, CancellationToken cancellationToken)
    {
        await body.WriteAsync(bytes, cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    private static void Format(object? data, IBufferWriter<byte> buffer, JsonSerializerOptions json)
    {
        if (data is string text)
        {
            System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, text, buffer);
            return;
        }

        using var writer = new Utf8JsonWriter(buffer);
        JsonSerializer.Serialize(writer, data, data?.GetType() ?? typeof(object), json);
    }
}
