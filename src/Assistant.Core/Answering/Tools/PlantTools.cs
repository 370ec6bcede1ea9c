using System.Text.Json;
using Assistant.Core.Plant;
using Assistant.Core.Safety;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// The plant's tools (every <see cref="AIFunction"/> the features register: classify_fault, optimize_process...) as
/// the Semantic Kernel plugin <c>plant</c>, in a kernel whose filters every call passes, whichever path calls it:
/// the model's tool loop (Semantic Kernel's function invocation over the model's chat client) or a direct run in
/// retrieval-only mode. Also turns calls and their results into the records the UI and the API show.
/// </summary>
/// <remarks>
/// Filter order, outermost first (the first filter sees the call first and the result last):
/// <list type="number">
/// <item>Model path only (auto function invocation filters): <see cref="ToolRoundLimitFilter"/> outermost, so every
/// call counts towards the round limit, refused ones too; then <see cref="PinnedArgumentsFilter"/>, which refuses a
/// forced call that left the machine the question named, before any work is done.</item>
/// <item>Every path (function invocation filters): <see cref="ToolResultScreenFilter"/> outermost, so whatever comes
/// out (a result, a refusal quoting the model's arguments, a failure message) is screened and nothing inside can
/// slip past it; <see cref="ToolFailureFilter"/> next, so an exception from a check or the tool becomes a reported
/// error that the screen still sees; <see cref="ToolArgumentFilter"/> then, so the checks after it and the tool read
/// well-formed arguments; <see cref="LineScopeFilter"/> last, right before the tool, once the machine argument is
/// known to be a string.</item>
/// </list>
/// </remarks>
public sealed class PlantTools
{
    public const string PluginName = "plant";

    private readonly Dictionary<string, AIFunction> _tools;
    private readonly Kernel _kernel;

    public PlantTools(IEnumerable<AIFunction> tools, PlantLayout plant, IContentScreen screen, IOptions<AssistantOptions> options, ILoggerFactory loggers)
    {
        _tools = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (!_tools.TryAdd(tool.Name, tool))
            {
                throw new InvalidOperationException($"Two tools are registered as '{tool.Name}'; each tool needs its own name (is a feature added twice?).");
            }
        }

        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(loggers);
        builder.Plugins.Add(KernelPluginFactory.CreateFromFunctions(
            PluginName,
            "The plant's own tools: fault classifiers over the machines' sensor readings, the process optimizer inside the safe limits.",
            _tools.Values.Select(t => t.AsKernelFunction())));
        _kernel = builder.Build();

        var logger = loggers.CreateLogger<PlantTools>();
        _kernel.AutoFunctionInvocationFilters.Add(new ToolRoundLimitFilter(options.Value.MaxToolRounds));
        _kernel.AutoFunctionInvocationFilters.Add(new PinnedArgumentsFilter());
        _kernel.FunctionInvocationFilters.Add(new ToolResultScreenFilter(screen, _tools, logger));
        _kernel.FunctionInvocationFilters.Add(new ToolFailureFilter(logger));
        _kernel.FunctionInvocationFilters.Add(new ToolArgumentFilter(_tools));
        _kernel.FunctionInvocationFilters.Add(new LineScopeFilter(plant));
    }

    /// <summary>The tools as their features wrote them (their own names and schemas).</summary>
    public IReadOnlyCollection<AIFunction> Tools => _tools.Values;

    public AIFunction? Find(string name) => _tools.GetValueOrDefault(name);

    /// <summary>A kernel for one request: the plugin and the filters, with the request the checks need.</summary>
    public Kernel KernelFor(ToolCallContext context)
    {
        var kernel = _kernel.Clone();
        context.AttachTo(kernel);
        return kernel;
    }

    /// <summary>The name the model sees for a tool (the plugin's prefix added), e.g. plant_classify_fault.</summary>
    public static string ModelName(string toolName) => $"{PluginName}_{toolName}";

    /// <summary>
    /// A plugin function as the model is shown it: under the name the model calls it by, with the tool's own
    /// description and JSON schema as its feature wrote them (the schema a grammar is made from). Semantic Kernel
    /// rebuilds a function's schema from its parameters, which drops rules such as additionalProperties: false and
    /// repeats the description in every prompt. Anything not of this plugin is shown as it is.
    /// </summary>
    public AITool AsOffered(AITool offered)
    {
        var prefix = PluginName + "_";
        return offered.Name.StartsWith(prefix, StringComparison.Ordinal) && _tools.TryGetValue(offered.Name[prefix.Length..], out var tool)
            ? AIFunctionFactory.CreateDeclaration(offered.Name, tool.Description, tool.JsonSchema)
            : offered;
    }

    /// <summary>The record shown while a call runs (arguments, no result yet), under the tool's own name.</summary>
    public ToolCallRecord Started(string callId, string name, IEnumerable<KeyValuePair<string, object?>>? arguments)
    {
        var prefix = PluginName + "_";
        var own = name.StartsWith(prefix, StringComparison.Ordinal) && _tools.ContainsKey(name[prefix.Length..]) ? name[prefix.Length..] : name;
        return new ToolCallRecord(callId, own, ToolArguments.ToJson(arguments));
    }

    /// <summary>The finished record: the screened JSON result, or the reason there is none.</summary>
    public ToolCallRecord Completed(ToolCallRecord started, object? result, Exception? exception = null)
    {
        if (!_tools.ContainsKey(started.Name))
        {
            var known = _tools.Count == 0 ? "none" : string.Join(", ", _tools.Keys.Order(StringComparer.Ordinal));
            return started with { Error = $"There is no tool named '{started.Name}'. Available tools: {known}." };
        }

        return result switch
        {
            ToolError error => started with { Error = error.Error },
            _ when exception is not null => started with { Error = $"{started.Name} failed: {exception.Message}" },
            JsonElement json => started with { Result = json },
            // The result filter writes every result as JSON; anything else did not pass it and is not shown.
            _ => started with { Error = $"{started.Name} returned a result that did not pass the safety screen, so it is not shown." },
        };
    }

    /// <summary>Runs a call directly (retrieval-only mode) through the same kernel and filters as the model's calls.</summary>
    public async Task<ToolCallRecord> RunAsync(Kernel kernel, ToolCallRecord started, CancellationToken cancellationToken)
    {
        if (!kernel.Plugins.TryGetFunction(PluginName, started.Name, out var function))
        {
            return Completed(started, null);
        }

        var arguments = new KernelArguments();
        foreach (var property in started.Arguments.EnumerateObject())
        {
            arguments[property.Name] = property.Value.Clone();
        }

        var result = await kernel.InvokeAsync(function, arguments, cancellationToken).ConfigureAwait(false);
        return Completed(started, result.GetValue<object>());
    }
}
