using System.Text;
using Assistant.Core.Answering;

namespace Assistant.Web.Chat;

public enum ExchangeStatus
{
    Answering,
    Done,
    Stopped,
    Failed,
}

/// <summary>One question and its answer as the chat shows it, growing while the answer streams in.</summary>
public sealed class ChatExchange(string question, UserRole role, string? machine)
{
    private readonly StringBuilder _text = new();
    private readonly List<ToolCallRecord> _toolCalls = [];

    public string Question { get; } = question;

    public UserRole Role { get; } = role;

    public string? Machine { get; } = machine;

    public DateTimeOffset AskedAt { get; } = DateTimeOffset.UtcNow;

    public ExchangeStatus Status { get; internal set; } = ExchangeStatus.Answering;

    /// <summary>The finished answer; null while streaming or when it failed.</summary>
    public Answer? Answer { get; internal set; }

    public string? Error { get; internal set; }

    /// <summary>Text so far: the streamed text until the answer completes, then the checked answer's text.</summary>
    public string Text => Answer?.Text ?? _text.ToString();

    public IReadOnlyList<ToolCallRecord> ToolCalls => _toolCalls;

    internal void Apply(AnswerUpdate update)
    {
        switch (update)
        {
            case AnswerTextDelta delta:
                _text.Append(delta.Text);
                break;
            case ToolCallStarted started:
                _toolCalls.Add(started.Call);
                break;
            case ToolCallCompleted completed:
                var i = _toolCalls.FindIndex(c => c.Id == completed.Call.Id);
                if (i >= 0)
                {
                    _toolCalls[i] = completed.Call;
                }
                else
                {
                    _toolCalls.Add(completed.Call);
                }

                break;
            case AnswerCompleted done:
                Answer = done.Answer;
                Status = ExchangeStatus.Done;
                break;
        }
    }
}

/// <summary>
/// The conversation on one tablet, kept for as long as the Blazor circuit lives. The page renders it; the
/// answer service fills it as the answer streams.
/// </summary>
public sealed class ChatSession(IAnswerService answers, ILogger<ChatSession> logger)
{
    private readonly List<ChatExchange> _exchanges = [];
    private CancellationTokenSource? _running;

    public IReadOnlyList<ChatExchange> Exchanges => _exchanges;

    public bool IsAnswering => _running is not null;

    /// <summary>Raised after every change; the page re-renders on it.</summary>
    public event Func<Task>? Changed;

    public async Task AskAsync(AskRequest request, CancellationToken cancellationToken = default)
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("An answer is still streaming; stop it or wait for it.");
        }

        var exchange = new ChatExchange(request.Question, request.Role, request.Machine);
        _exchanges.Add(exchange);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _running = running;
        var history = _exchanges.Take(_exchanges.Count - 1)
            .Where(e => e.Status == ExchangeStatus.Done)
            .SelectMany(e => new[] { new ChatTurn("user", e.Question), new ChatTurn("assistant", e.Text) })
            .ToList();
        await NotifyAsync();
        try
        {
            await foreach (var update in answers.StreamAsync(request with { History = history }, running.Token))
            {
                exchange.Apply(update);
                await NotifyAsync();
            }

            if (exchange.Status == ExchangeStatus.Answering)
            {
                exchange.Status = ExchangeStatus.Failed;
                exchange.Error = "The answer ended early. Ask again.";
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            exchange.Status = ExchangeStatus.Stopped;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Answering '{Question}' failed", request.Question);
            exchange.Status = ExchangeStatus.Failed;
            exchange.Error = ex is ArgumentException or InvalidOperationException
                ? ex.Message
                : "The assistant could not answer this. The error is logged; try again or ask a supervisor.";
        }
        finally
        {
            _running = null;
            await NotifyAsync();
        }
    }

    /// <summary>Stops the answer that is streaming, keeping what has arrived.</summary>
    public void Stop() => _running?.Cancel();

    private Task NotifyAsync() => Changed?.Invoke() ?? Task.CompletedTask;
}
