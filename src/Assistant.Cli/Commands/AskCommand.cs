using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Assistant.Core.Security;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant ask</c>: one question, answered with citations.</summary>
public sealed class AskCommand : ICliCommand
{
    public string Name => "ask";

    public string Summary => "Ask a question; prints the answer and the passages it cites.";

    public string Usage => """
        "QUESTION" [--machine ID] [--top K] [--role technician|engineer]
          --machine ID  only passages about this machine or line (and plant-wide ones), e.g. HP-1
          --top K       how many passages to cite (default 5)
        The index is brought up to date first when the knowledge folder changed.
        """;

    public async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args);
        var question = string.Join(' ', line.Positional).Trim();
        if (question.Length == 0)
        {
            throw new UsageException("Give the question in quotes.");
        }

        var role = line.Get("role")?.ToLowerInvariant() switch
        {
            null or "technician" => UserRole.Technician,
            "engineer" => UserRole.Engineer,
            var other => throw new UsageException($"--role takes technician or engineer, not '{other}'."),
        };

        var ingestor = context.Services.GetRequiredService<IKnowledgeIngestor>();
        if (await ingestor.IsStaleAsync(cancellationToken))
        {
            context.Error.WriteLine("The index is out of date; ingesting first.");
            await ingestor.IngestAsync(cancellationToken);
        }

        var machine = line.Get("machine");
        if (machine is not null)
        {
            var known = await context.Services.GetRequiredService<IKnowledgeIndex>().GetMachinesAsync(cancellationToken);
            if (!known.Contains(machine, StringComparer.OrdinalIgnoreCase))
            {
                throw new UsageException($"Unknown machine '{machine}'. Known machines and lines: {string.Join(", ", known)}.");
            }
        }

        var answers = context.Services.GetRequiredService<IAnswerService>();
        var answer = await answers.AskAsync(new AskRequest(question, machine, line.GetInt("top", 5), role), cancellationToken);
        context.Out.WriteLine(answer.Text);
        context.Out.WriteLine();
        context.Out.WriteLine($"mode: {answer.Mode}");
        foreach (var citation in answer.Citations)
        {
            context.Out.WriteLine($"[{citation.Number}] {citation.Source}:{citation.LineStart}-{citation.LineEnd}  {citation.Section}  (id {citation.PassageId})");
        }

        foreach (var note in answer.Notes)
        {
            context.Out.WriteLine($"note: {note}");
        }

        return 0;
    }
}
