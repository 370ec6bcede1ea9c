using Assistant.Core.LanguageModel;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using FunctionInvocationContext = Microsoft.SemanticKernel.FunctionInvocationContext;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// Refuses a call whose arguments break the tool's own JSON schema before the tool runs, so a malformed call gets a
/// message the model (and the person watching the tool card) can act on instead of a failure deep in a classifier.
/// The schema is the tool's as written (Semantic Kernel rebuilds a function's schema from its parameters and drops
/// rules such as additionalProperties: false).
/// </summary>
internal sealed class ToolArgumentFilter(IReadOnlyDictionary<string, AIFunction> tools) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        var schema = tools.TryGetValue(context.Function.Name, out var tool) ? tool.JsonSchema : context.Function.JsonSchema;
        var problems = JsonSchemaValidator.Validate(schema, ToolArguments.ToJson(context.Arguments), "arguments");
        if (problems.Count > 0)
        {
            context.Result = new FunctionResult(context.Function, new ToolError(
                $"Invalid arguments for {context.Function.Name}: {string.Join(" ", problems)} The tool was not run."));
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
