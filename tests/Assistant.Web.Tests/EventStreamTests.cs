using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Assistant.Core.Answering;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Web.Tests;

/// <summary>
/// Test double for the answer pipeline (the real one answers too fast to watch a stream wait): it holds its first
/// update until the test opens the gate, and records when the request's cancellation reaches it.
/// </summary>
public sealed class GatedAnswerService_TestDouble : IAnswerService
{
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Started { get; private set; }

    /// <summary>Throw this after the first delta, instead of completing the answer.</summary>
    public Exception? FailWith { get; set; }

    public void Reset()
    {
        _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Started = false;
        FailWith = null;
    }

    public void Open() => _gate.TrySetResult();

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult();
            throw;
        }

        Started = true;
        yield return new AnswerTextDelta("Replace the chiller filter [1].");
        if (FailWith is { } failure)
        {
            throw failure;
        }

        yield return new AnswerCompleted(new Answer(
            Guid.NewGuid().ToString("n"), request.Question, "Replace the chiller filter [1].", [], AnswerModes.RetrievalOnly, [], []));
    }
}

/// <summary>The real web host on a loopback port (Kestrel), with a keep-alive interval short enough to watch.</summary>
public sealed class SlowAnswerAppFactory : PlantAppFactory
{
    public SlowAnswerAppFactory()
    {
        UseKestrel(0);
    }

    public GatedAnswerService_TestDouble Answers { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Api:EventStream:KeepAliveSeconds", "0.2");
        builder.ConfigureTestServices(services => services.AddSingleton<IAnswerService>(Answers));
    }

}

public sealed class EventStreamTests : IClassFixture<SlowAnswerAppFactory>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SlowAnswerAppFactory _factory;
    private readonly HttpClient _client;

    public EventStreamTests(SlowAnswerAppFactory factory)
    {
        _factory = factory;
        _factory.Answers.Reset();
        _client = factory.CreateApiClient();
    }

    public void Dispose()
    {
        _factory.Answers.Open();
        _client.Dispose();
    }

    private Task<HttpResponseMessage> StartStreamAsync(CancellationToken cancellationToken = default) =>
        _client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/api/v1/ask?stream=true") { Content = JsonContent.Create(new { question = "What does E-217 mean?" }) },
            HttpCompletionOption.ResponseHeadersRead,
            cancellationToken);

    /// <summary>The next line of the stream (an event's line, a comment, or the empty line that ends an event); null at the end.</summary>
    private static async Task<string?> LineAsync(StreamReader reader) => await reader.ReadLineAsync().WaitAsync(Patience);

    [Fact]
    public async Task Headers_and_keep_alive_comments_arrive_while_the_answer_is_still_being_produced()
    {
        using var response = await StartStreamAsync().WaitAsync(Patience);

        // The answer has produced nothing yet, and the client already has the headers.
        Assert.False(_factory.Answers.Started);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, response.Headers.ToString());
        Assert.Equal(["no"], response.Headers.GetValues("X-Accel-Buffering"));

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The first comment goes out with the headers; the next ones come every interval while the answer waits.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(": keep-alive", await LineAsync(reader));
            Assert.Equal("", await LineAsync(reader));
        }

        Assert.False(_factory.Answers.Started);

        _factory.Answers.Open();
        var rest = new List<string>();
        while (await LineAsync(reader) is { } line)
        {
            rest.Add(line);
        }

        var events = FeedbackAndStreamTests.ParseEvents(string.Join("\n", rest));
        Assert.Equal(["delta", "answer"], events.Select(e => e.Name));
        Assert.Equal("Replace the chiller filter [1].", events[0].Data.GetProperty("text").GetString());
        Assert.Equal("What does E-217 mean?", events[1].Data.GetProperty("question").GetString());
    }

    [Fact]
    public async Task A_client_that_leaves_cancels_the_answer()
    {
        using var response = await StartStreamAsync().WaitAsync(Patience);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1024];
        Assert.True(await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience) > 0);

        // The client gives up while it waits for more: the HTTP client closes the connection.
        using var leave = new CancellationTokenSource();
        var waiting = stream.ReadAsync(buffer, leave.Token).AsTask();
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadUntilCancelledAsync(stream, buffer, waiting, leave.Token));

        await _factory.Answers.Cancelled.Task.WaitAsync(Patience);
        Assert.False(_factory.Answers.Started);
    }

    /// <summary>The pending read ends in cancellation (a keep-alive that arrived first is read past).</summary>
    private static async Task ReadUntilCancelledAsync(Stream stream, byte[] buffer, Task<int> pending, CancellationToken cancelled)
    {
        await pending.WaitAsync(Patience);
        while (true)
        {
            await stream.ReadAsync(buffer, cancelled).AsTask().WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task A_failure_after_the_stream_started_is_an_error_event_with_problem_details()
    {
        _factory.Answers.FailWith = new InvalidOperationException("the model host went away");
        _factory.Answers.Open();

        using var response = await StartStreamAsync().WaitAsync(Patience);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Patience);

        var events = FeedbackAndStreamTests.ParseEvents(text);
        Assert.Equal(["delta", "error"], events.Select(e => e.Name));
        Assert.Equal(500, events[1].Data.GetProperty("status").GetInt32());
        Assert.Equal("The answer could not be completed.", events[1].Data.GetProperty("title").GetString());
        Assert.DoesNotContain("went away", text);
    }
}
