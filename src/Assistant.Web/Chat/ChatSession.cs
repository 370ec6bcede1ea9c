using System.Text;
using Assistant.Core.Answering;
using Assistant.Web.Storage;
using Assistant.Core.Security;

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

    /// <summary>The message id: the answer's id once it completes, so API and UI feedback name the same thing.</summary>
    public string Id { get; internal set; } = Guid.CreateVersion7().ToString("n");

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

    /// <summary>The latest rating given here: +1, -1, or null.</summary>
    public StoredFeedback? Feedback { get; internal set; }

    internal static ChatExchange FromStored(StoredMessage m)
    {
        var exchange = new ChatExchange(m.Question, m.Role, m.Machine)
        {
            Id = m.Id,
            Status = Enum.TryParse<ExchangeStatus>(m.Status, out var status) ? status : ExchangeStatus.Done,
            Error = m.Error,
            Feedback = m.Feedback,
        };
        exchange._toolCalls.AddRange(m.ToolCalls);
        if (m.Mode is not null && exchange.Status == ExchangeStatus.Done)
        {
            exchange.Answer = new Answer(m.Id, m.Question, m.AnswerText, m.Citations, m.Mode, m.ToolCalls, m.Notes);
        }
        else
        {
            exchange._text.Append(m.AnswerText);
        }

        return exchange;
    }

    internal StoredMessage ToStored(string conversationId, int seq) => new(
        Id, conversationId, seq, Question, Role, Machine, Text, Answer?.Mode, Status.ToString(), Error,
        Answer?.Citations ?? [], ToolCalls, Answer?.Notes ?? [], AskedAt, Feedback);

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
                Id = done.Answer.Id;
                Status = ExchangeStatus.Done;
                break;
        }
    }
}

/// <summary>
/// The conversation on one tablet, kept for as long as the Blazor circuit lives. The page renders it; the
/// answer service fills it as the answer streams.
/// </summary>
public sealed class ChatSession(IAnswerService answers, ConversationStore store, ILogger<ChatSession> logger)
{
    public const string DefaultUser = "shop-floor";

    private readonly List<ChatExchange> _exchanges = [];
    private CancellationTokenSource? _running;

    public IReadOnlyList<ChatExchange> Exchanges => _exchanges;

    /// <summary>Whose history new conversations go into: the name or badge typed on the tablet.</summary>
    public string UserName { get; private set; } = DefaultUser;

    /// <summary>The stored conversation this chat writes to; null until the first question.</summary>
    public string? ConversationId { get; private set; }

    public void SetUser(string? userName)
    {
        var name = string.IsNullOrWhiteSpace(userName) ? DefaultUser : userName.Trim();
        UserName = name.Length <= 60 ? name : name[..60];
    }

    /// <summary>Starts an empty conversation; the next question opens a new stored one.</summary>
    public async Task NewConversationAsync()
    {
        Stop();
        _exchanges.Clear();
        ConversationId = null;
        await NotifyAsync();
    }

    /// <summary>Reopens a stored conversation, e.g. after the tablet lost its session. False when it is gone.</summary>
    public async Task<bool> OpenAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var messages = await store.GetMessagesAsync(conversationId, cancellationToken);
        if (messages.Count == 0)
        {
            return false;
        }

        Stop();
        _exchanges.Clear();
        _exchanges.AddRange(messages.Select(ChatExchange.FromStored));
        ConversationId = conversationId;
        await NotifyAsync();
        return true;
    }

    public Task<IReadOnlyList<ConversationSummary>> HistoryAsync(CancellationToken cancellationToken = default) =>
        store.ListAsync(UserName, cancellationToken: cancellationToken);

    /// <summary>Stores a thumbs up (+1) or down (-1) with an optional comment on an answer.</summary>
    public async Task GiveFeedbackAsync(ChatExchange exchange, int rating, string? comment, CancellationToken cancellationToken = default)
    {
        if (await store.AddFeedbackAsync(exchange.Id, rating, comment, $"ui:{UserName}", cancellationToken))
        {
            exchange.Feedback = new StoredFeedback(rating, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), $"ui:{UserName}", DateTimeOffset.UtcNow);
        }

        await NotifyAsync();
    }

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
            await SaveAsync(exchange);
            await NotifyAsync();
        }
    }

    private async Task SaveAsync(ChatExchange exchange)
    {
        try
        {
            ConversationId ??= (await store.StartAsync(UserName, exchange.Question)).Id;
            await store.SaveMessageAsync(exchange.ToStored(ConversationId, _exchanges.IndexOf(exchange)));
        }
        catch (Exception ex)
        {
            // The answer is on screen; losing its copy in the history must not take the chat down.
            logger.LogError(ex, "Could not store the answer to '{Question}'", exchange.Question);
        }
    }

    /// <summary>Stops the answer that is streaming, keeping what has arrived.</summary>
    public void Stop() => _running?.Cancel();

    private Task NotifyAsync() => Changed?.Invoke() ?? Task.CompletedTask;
}
