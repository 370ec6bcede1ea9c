using System.CommandLine;
using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Assistant.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant ask</c>: one question, answered with citations.</summary>
internal sealed class AskCommand : Command
{
    private readonly CliContext _cli;
    private readonly Argument<string[]> _question = new("question")
    {
        Description = "the question, best in quotes (a question that starts with '-' goes after '--')",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string?> _machine = new("--machine")
    {
        Description = "only passages about this machine or line (and plant-wide ones), e.g. HP-1",
        HelpName = "ID",
    };

    private readonly Option<int> _top = new Option<int>("--top")
    {
        Description = "how many passages to cite",
        HelpName = "K",
        DefaultValueFactory = _ => 5,
        CustomParser = CliOptions.WholeNumber,
    }.Require(k => k >= 1, "1 or more");

    private readonly Option<string> _role = new Option<string>("--role")
    {
        Description = "who asks: technicians get short steps, engineers the evidence",
        DefaultValueFactory = _ => "technician",
    }.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "technician", "engineer");

    public AskCommand(CliContext cli)
        : base("ask", """
            Ask a question; prints the answer and the passages it cites.
            The index is brought up to date first when the knowledge folder changed.
            """)
    {
        _cli = cli;
        Arguments.Add(_question);
        Options.Add(_machine);
        Options.Add(_top);
        Options.Add(_role);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var question = string.Join(' ', parse.GetRequiredValue(_question)).Trim();
        if (question.Length == 0)
        {
            throw new UsageException("The question is empty; give it in quotes.");
        }

        var role = parse.GetRequiredValue(_role).Equals("engineer", StringComparison.OrdinalIgnoreCase) ? UserRole.Engineer : UserRole.Technician;
        var ingestor = _cli.Services.GetRequiredService<IKnowledgeIngestor>();
        if (await ingestor.IsStaleAsync(cancellationToken))
        {
            _cli.Error.WriteLine("The index is out of date; ingesting first.");
            await ingestor.IngestAsync(cancellationToken);
        }

        var machine = parse.GetValue(_machine);
        if (machine is not null)
        {
            var known = await _cli.Services.GetRequiredService<IKnowledgeIndex>().GetMachinesAsync(cancellationToken);
            if (!known.Contains(machine, StringComparer.OrdinalIgnoreCase))
            {
                throw new UsageException($"Unknown machine '{machine}'. Known machines and lines: {string.Join(", ", known)}.");
            }
        }

        var answers = _cli.Services.GetRequiredService<IAnswerService>();
        var answer = await answers.AskAsync(new AskRequest(question, machine, parse.GetValue(_top), role), cancellationToken);
        _cli.Out.WriteLine(answer.Text);
        _cli.Out.WriteLine();
        _cli.Out.WriteLine($"mode: {answer.Mode}");
        foreach (var citation in answer.Citations)
        {
            _cli.Out.WriteLine($"[{citation.Number}] {citation.Source}:{citation.LineStart}-{citation.LineEnd}  {citation.Section}  (id {citation.PassageId})");
        }

        foreach (var note in answer.Notes)
        {
            _cli.Out.WriteLine($"note: {note}");
        }

        return 0;
    }
}
