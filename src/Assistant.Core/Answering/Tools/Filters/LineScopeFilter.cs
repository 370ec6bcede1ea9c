using Assistant.Core.Plant;
using Assistant.Core.Security;
using Microsoft.SemanticKernel;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// Keeps a tool to the asker's lines: a call that names a machine, a line, or a process that runs only on machines
/// of other lines is refused before the tool reads that machine's data. What the parameters name is told by their
/// names (<see cref="ToolIntents.ParameterKind"/>); a machine or process the plant layout does not know is left to
/// the tool, which reports it.
/// </summary>
internal sealed class LineScopeFilter(PlantLayout plant) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        var scope = ToolCallContext.Of(context.Kernel).Request.Scope;
        if (scope is { SeesWholePlant: false } && Outside(context.Arguments, scope) is { } what)
        {
            var lines = scope.Lines!.Count == 0 ? "none" : string.Join(", ", scope.Lines.Order(StringComparer.OrdinalIgnoreCase));
            context.Result = new FunctionResult(context.Function, new ToolError(
                $"{context.Function.Name} was not run: {what} is not on the lines you may see ({lines}). Ask someone responsible for that line."));
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>The first argument that reaches outside the scope, described for the message; null when all are inside.</summary>
    private string? Outside(KernelArguments arguments, AccessScope scope)
    {
        foreach (var name in arguments.Names)
        {
            if (ToolArguments.Text(arguments, name) is not { Length: > 0 } value)
            {
                continue;
            }

            switch (ToolIntents.ParameterKind(name))
            {
                case PlantParameter.Machine when plant.FindMachine(value) is { } machine && !scope.CanSee(machine.Line):
                    return $"machine {machine.Id}";
                case PlantParameter.Line when !scope.CanSee(value):
                    return $"line {value}";
                case PlantParameter.Process:
                    var runsOn = plant.Machines.Where(m => string.Equals(m.Process, value, StringComparison.OrdinalIgnoreCase)).ToList();
                    if (runsOn.Count > 0 && !runsOn.Any(m => scope.CanSee(m.Line)))
                    {
                        return $"process {value}";
                    }

                    break;
            }
        }

        return null;
    }
}
