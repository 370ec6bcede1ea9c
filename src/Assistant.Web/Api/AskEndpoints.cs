using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Assistant.Web.Security;
using Microsoft.Extensions.Options;
using Assistant.Core.Security;

namespace Assistant.Web.Api;

/// <param name="Question">What the technician or engineer asks.</param>
/// <param name="Machine">Machine or line id to narrow retrieval to, e.g. "CNC-2".</param>
/// <param name="TopK">How many passages to build the answer from (1-20, default 5).</param>
/// <param name="Role">"technician" (short steps) or "engineer" (root-cause reasoning).</param>
/// <param name="Stream">true: answer as server-sent events (delta, tool-call-started, tool-call-completed, answer); also <c>?stream=true</c>.</param>
public sealed record AskBody(string? Question, string? Machine = null, int? TopK = null, UserRole? Role = null, bool? Stream = null);

public sealed record SourceView(
    string Id,
    string Source,
    string Kind,
    string Title,
    string Section,
    int LineStart,
    int LineEnd,
    string Text,
    string? Machine,
    string? Line,
    IReadOnlyDictionary<string, string>? Fields,
    IReadOnlyList<SourceNeighbour> Before,
    IReadOnlyList<SourceNeighbour> After);

public sealed record SourceNeighbour(string Id, string Section, int LineStart, int LineEnd, string Text);

internal static class AskEndpoints
{
    public static RouteGroupBuilder MapAskApi(this RouteGroupBuilder api)
    {
        api.MapPost("/ask", AskAsync)
            .WithName("Ask")
            .WithSummary("Answers a maintenance or quality question from the plant's documents, with citations.")
            .WithDescription(
                "The same answer pipeline as the chat. With stream=true (body or query) the answer comes as server-sent events: " +
                "'delta' {text}, 'tool-call-started' and 'tool-call-completed' {call}, then 'answer' (the Answer), or 'error' (problem details). " +
                "Answers are stored: POST /api/v1/feedback rates one by its id.")
            .Accepts<AskBody>("application/json")
            .Produces<Answer>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireApiScope(ApiScopes.Ask);

        api.MapGet("/sources/{id}", GetSourceAsync)
            .WithName("GetSource")
            .WithSummary("A cited passage in context: the passage and its neighbours in the same document.")
            .Produces<SourceView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireApiScope(ApiScopes.Ask);

        return api;
    }

    private static async Task<IResult> AskAsync(
        HttpContext context, AskValidator validator, IAnswerService answers, ApiAnswerRecorder recorder, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<AskBody>(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (ask, errors) = await validator.ValidateAsync(body!, cancellationToken);
        if (errors is not null)
        {
            return ApiJson.Invalid(errors);
        }

        if (body!.Stream == true || string.Equals(context.Request.Query["stream"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return new AnswerEventStream(answers.StreamAsync(ask!, cancellationToken), answer => recorder.SaveAsync(context, ask!, answer));
        }

        var answer = await answers.AskAsync(ask!, cancellationToken);
        await recorder.SaveAsync(context, ask!, answer);
        return Results.Ok(answer);
    }

    private static async Task<IResult> GetSourceAsync(string id, IKnowledgeIndex index, CancellationToken cancellationToken)
    {
        var found = id.Length <= 200 ? await index.GetPassageAsync(id, neighbours: 1, cancellationToken) : null;
        if (found is null)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such source passage.",
                detail: $"No passage has the id '{Truncate(id)}'. Use an id from an answer's citations (citations[].passageId).");
        }

        var p = found.Passage;
        return Results.Ok(new SourceView(
            p.Id, p.Source, p.Kind.ToString().ToLowerInvariant(), p.Title, p.Section, p.LineStart, p.LineEnd, p.Text,
            p.Machine, p.Line, p.Fields,
            found.Before.Select(ToNeighbour).ToList(),
            found.After.Select(ToNeighbour).ToList()));
    }

    private static SourceNeighbour ToNeighbour(Passage p) => new(p.Id, p.Section, p.LineStart, p.LineEnd, p.Text);

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
}

/// <summary>The limits on a question, shared by the chat page and the API.</summary>
public sealed class AskLimits
{
    public int MaxQuestionLength { get; set; } = 2000;

    public int MaxTopK { get; set; } = 20;

    public int DefaultTopK { get; set; } = 5;
}

/// <summary>Checks a question before any work is done on it; each problem names the field and the fix.</summary>
public sealed class AskValidator(IKnowledgeIndex index, IOptions<AskLimits> limits)
{
    public async Task<(AskRequest? Request, Dictionary<string, string[]>? Errors)> ValidateAsync(
        AskBody body, CancellationToken cancellationToken)
    {
        var max = limits.Value;
        var errors = new Dictionary<string, string[]>();
        var question = body.Question?.Trim() ?? "";
        if (question.Length == 0)
        {
            errors["question"] = ["The question is empty. Ask something, e.g. \"What does fault E-217 mean?\"."];
        }
        else if (question.Length > max.MaxQuestionLength)
        {
            errors["question"] = [$"The question has {question.Length} characters; at most {max.MaxQuestionLength} are allowed. Shorten it or split it."];
        }

        var topK = body.TopK ?? max.DefaultTopK;
        if (topK < 1 || topK > max.MaxTopK)
        {
            errors["topK"] = [$"topK must be between 1 and {max.MaxTopK}; it was {topK}."];
        }

        var machine = string.IsNullOrWhiteSpace(body.Machine) ? null : body.Machine.Trim();
        if (machine is not null)
        {
            var known = await index.GetMachinesAsync(cancellationToken);
            var match = known.FirstOrDefault(k => string.Equals(k, machine, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                errors["machine"] = [$"Unknown machine or line '{Shorten(machine)}'. Known: {string.Join(", ", known.Order())}."];
            }
            else
            {
                machine = match;
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new AskRequest(question, machine, topK, body.Role ?? UserRole.Technician), null);
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
