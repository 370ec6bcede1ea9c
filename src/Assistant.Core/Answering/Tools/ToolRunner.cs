using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Assistant.Core.Answering;

namespace Assistant.Core.Answering.Tools;

/// <summary>The outcome of one tool call: the record the UI shows, and what goes back to the model.</summary>
public sealed record ToolRun(ToolCallRecord Record, FunctionResultContent ForModel)
{
    public bool Succeeded => Record.Error is null;
}

/// <summary>
/// Runs the plant's tools (<see cref="AIFunction"/>s from DI: classify_fault, optimize_process...) for the model's
/// tool loop and for retrieval-only mode. Arguments are checked against the tool's schema first; a failure is
/// reported as an error, never replaced by a made-up result.
/// </summary>
public sealed class ToolRunner
{
    private readonly IReadOnlyList<AIFunction> _tools;
    private readonly ILogger _logger;

    public ToolRunner(IEnumerable<AIFunction> tools, ILogger logger)
    {
        _tools = tools.ToList();
        _logger = logger;
    }

    public IReadOnlyList<AIFunction> Tools => _tools;

    public AIFunction? Find(string name) =>
        _tools.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>The record shown while the call runs (arguments, no result yet).</summary>
    public static ToolCallRecord Started(string callId, string name, IDictionary<string, object?>? arguments) =>
        new(callId, name, ArgumentsToJson(arguments));

    public async Task<ToolRun> RunAsync(ToolCallRecord started, CancellationToken cancellationToken)
    {
        var tool = Find(started.Name);
        if (tool is null)
        {
            var known = _tools.Count == 0 ? "none" : string.Join(", ", _tools.Select(t => t.Name));
            return Failed(started, $"There is no tool named '{started.Name}'. Available tools: {known}.");
        }

        var problems = ToolArgumentValidator.Validate(tool.JsonSchema, started.Arguments);
        if (problems.Count > 0)
        {
            return Failed(started, $"Invalid arguments for {tool.Name}: {string.Join(" ", problems)} The tool was not run.");
        }

        try
        {
            var arguments = new AIFunctionArguments(
                started.Arguments.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()));
            var result = await tool.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false);
            var json = ResultToJson(result, tool.JsonSerializerOptions);
            _logger.LogInformation("Tool {Tool} ran with {Arguments}", tool.Name, started.Arguments.GetRawText());
            return new ToolRun(started with { Result = json }, new FunctionResultContent(started.Id, json));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Tool {Tool} failed with {Arguments}", tool.Name, started.Arguments.GetRawText());
            var failed = Failed(started, $"{tool.Name} failed: {ex.Message}");
            failed.ForModel.Exception = ex;
            return failed;
        }
    }

    private static ToolRun Failed(ToolCallRecord started, string error) =>
        new(started with { Error = error }, new FunctionResultContent(started.Id, "Error: " + error));

    public static JsonElement ArgumentsToJson(IDictionary<string, object?>? arguments) =>
        arguments is null
            ? JsonSerializer.SerializeToElement(new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions)
            : JsonSerializer.SerializeToElement(arguments, AIJsonUtilities.DefaultOptions);

    private static JsonElement ResultToJson(object? result, JsonSerializerOptions? options) => result switch
    {
        JsonElement element => element.Clone(),
        JsonDocument document => document.RootElement.Clone(),
        null => JsonSerializer.SerializeToElement<object?>(null, AIJsonUtilities.DefaultOptions),
        _ => JsonSerializer.SerializeToElement(result, result.GetType(), options ?? AIJsonUtilities.DefaultOptions),
    };
}
