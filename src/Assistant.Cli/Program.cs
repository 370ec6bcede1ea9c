using Assistant.Cli;
using Assistant.Core;

using var context = new CliContext(Console.Out, Console.Error, AssistantPaths.FindContentRoot());
return await AssistantCommandLine.RunAsync(args, context);
