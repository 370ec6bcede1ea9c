using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Assistant.Core.Plant;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Assistant.Core.Safety;
using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Safety;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// Retrieval-only mode with tools: when the question names a tool ("classify machine CNC-2 now", "best
/// setpoints for IM-1"), runs it directly with the machine from the plant layout and reports it as a tool call
/// before the retrieved passages. Also refuses, like the model pipeline, a question that asks to bypass a
/// safety device.
/// </summary>
public sealed class DirectToolAnswerService : IAnswerService
{
    private readonly RetrievalOnlyAnswerService _inner;
    private readonly ToolRunner _tools;
    private readonly PlantLayout _plant;
    private readonly SafetyProcedures _safety;

    public DirectToolAnswerService(RetrievalOnlyAnswerService inner, IEnumerable<AIFunction> tools, PlantLayout plant, SafetyProcedures safety, ILogger<DirectToolAnswerService> logger)
    {
        _inner = inner;
        _tools = new ToolRunner(tools, logger);
        _plant = plant;
        _safety = safety;
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrWhiteSpace(request.Question) && SafetyGuard.FindBypassRequest(request.Question) is { } asked)
        {
            var (refusal, citations) = await _safety.RefusalAsync(request, cancellationToken).ConfigureAwait(false);
            yield return new AnswerTextDelta(refusal);
            yield return new AnswerCompleted(new Answer(
                Guid.NewGuid().ToString("n"), request.Question, refusal, citations, AnswerModes.RetrievalOnly, [],
                [$"Refused: the question asks how to bypass a safety device (\"{asked}\")."]));
            yield break;
        }

        var intent = string.IsNullOrWhiteSpace(request.Question) ? null : ToolIntents.Detect(request.Question, request.Machine, _plant);
        if (intent is null)
        {
            await foreach (var update in _inner.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        ToolCallRecord? record = null;
        string summary;
        var tool = _tools.Find(intent.ToolName);
        if (tool is null)
        {
            summary = $"The {intent.ToolName} tool is not available on this installation.";
        }
        else if (intent.Problem is not null)
        {
            summary = intent.Problem;
        }
        else
        {
            var (arguments, missing) = ToolIntents.ArgumentsFor(tool, intent.Machine);
            if (arguments is null)
            {
                summary = $"{tool.Name} needs '{missing}', which the plant layout does not give for {intent.Machine.Id}.";
            }
            else
            {
                var started = ToolRunner.Started("direct_" + Guid.NewGuid().ToString("n")[..8], tool.Name, arguments);
                yield return new ToolCallStarted(started);
                var run = await _tools.RunAsync(started, cancellationToken).ConfigureAwait(false);
                record = run.Record;
                yield return new ToolCallCompleted(record);
                summary = Summarise(record, intent.Machine);
            }
        }

        yield return new AnswerTextDelta(summary + "\n\n");
        await foreach (var update in _inner.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            yield return update is AnswerCompleted completed
                ? new AnswerCompleted(completed.Answer with
                {
                    Text = summary + "\n\n" + completed.Answer.Text,
                    ToolCalls = record is null ? completed.Answer.ToolCalls : [record, .. completed.Answer.ToolCalls],
                })
                : update;
        }
    }

    /// <summary>A line a technician reads at a glance; the tool card shows the full result.</summary>
    public static string Summarise(ToolCallRecord record, PlantMachine machine)
    {
        if (record.Error is not null)
        {
            return $"{record.Name} for {machine.Id} failed: {record.Error}";
        }

        var text = new StringBuilder($"{record.Name} for {machine.Id}");
        if (record.Result is { ValueKind: JsonValueKind.Object } result)
        {
            var scalars = result.EnumerateObject()
                .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                .Take(6)
                .Select(p => $"{p.Name} = {Scalar(p.Value)}")
                .ToList();
            text.Append(scalars.Count > 0 ? ": " + string.Join(", ", scalars) + "." : ": done (see the result card).");
        }
        else if (record.Result is { } other && other.ValueKind is not JsonValueKind.Null)
        {
            text.Append(": ").Append(Scalar(other)).Append('.');
        }
        else
        {
            text.Append(": done.");
        }

        return text.ToString();
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.TryGetDouble(out var d) ? Math.Round(d, 4).ToString(CultureInfo.InvariantCulture) : value.GetRawText(),
        _ => value.GetRawText(),
    };
}
