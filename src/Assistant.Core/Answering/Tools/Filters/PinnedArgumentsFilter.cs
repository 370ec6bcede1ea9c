using Microsoft.SemanticKernel;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// When the question names the machine ("classify CNC-2 now"), the first round forces that tool with the machine
/// pinned in its schema, and llama.cpp's grammar writes it. This filter holds every model client to the pin: a forced
/// call that names anything else is refused, so a question about CNC-2 never gets CNC-3's classification. The message
/// quotes only the pinned values, never the model's text (this filter runs outside the result screen).
/// </summary>
internal sealed class PinnedArgumentsFilter : IAutoFunctionInvocationFilter
{
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        if (context.RequestSequenceIndex == 0 &&
            ToolCallContext.Of(context.Kernel).Pinned is { } pinned &&
            string.Equals(pinned.ToolName, context.Function.Name, StringComparison.Ordinal))
        {
            foreach (var (name, value) in pinned.Values)
            {
                if (!string.Equals(ToolArguments.Text(context.Arguments!, name), value, StringComparison.OrdinalIgnoreCase))
                {
                    context.Result = new FunctionResult(context.Function, new ToolError(
                        $"The question asks about {name} {value}, but this call of {pinned.ToolName} named another {name}; it was not run."));
                    return;
                }
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
