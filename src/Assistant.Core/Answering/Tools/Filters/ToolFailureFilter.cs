using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// A tool (or a check) that throws is reported as an error naming the tool and the reason, to the person and to
/// the model alike, and never replaced by a made-up result. The request being cancelled is not a failure: it goes on.
/// </summary>
internal sealed class ToolFailureFilter(ILogger logger) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Tool {Tool} failed with {Arguments}", context.Function.Name, ToolArguments.ToJson(context.Arguments).GetRawText());
            context.Result = new FunctionResult(context.Function, new ToolError($"{context.Function.Name} failed: {ex.Message}"));
        }
    }
}
