using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// Assistant:MaxToolRounds: once the model has used its last round of tool calls, the tools are taken off the
/// request for the next model call, so the model must answer with the results it has rather than call again (a
/// refusal would still cost a generation per call). Works through the chat options of the running tool loop,
/// which Microsoft.Extensions.AI re-reads on every round.
/// </summary>
internal sealed class ToolRoundLimitFilter(int maxRounds) : IAutoFunctionInvocationFilter
{
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        await next(context).ConfigureAwait(false);

        // RequestSequenceIndex counts model calls from 0; this call belongs to round RequestSequenceIndex + 1.
        if (context.RequestSequenceIndex + 1 >= maxRounds && context.Options is { } options)
        {
            options.Tools = null;
            options.ToolMode = ChatToolMode.None;
            ToolCallContext.Of(context.Kernel).Note(
                $"The model reached the limit of {maxRounds} tool rounds (Assistant:MaxToolRounds); the answer uses the results gathered so far.");
        }
    }
}
