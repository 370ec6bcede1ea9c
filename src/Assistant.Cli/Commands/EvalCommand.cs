using Assistant.Knowledge.Evaluation;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant eval</c>: recall@5 and MRR of retrieval on an eval set.</summary>
public sealed class EvalCommand : ICliCommand
{
    public string Name => "eval";

    public string Summary => "Measure retrieval on an eval set (JSONL): recall@5 and MRR.";

    public string Usage => """
        FILE [--root DIR] [--index FILE] [--verbose] [--no-filter]
          FILE         JSONL, one {"id","question","expected":["path#heading-or-id",...],"machine"?} per line
          --root DIR   documents the expected paths are relative to. Default: the configured knowledge folder, or,
                       when FILE is named after a public data set (linuxcnc-docs.jsonl), that data set's folder
                       under shared/data (or $SHOPFLOOR_SHARED_DATA)
          --verbose    list each question that misses an expected item, with what came first
          --no-filter  ignore the questions' machine field
        The index over the folder is brought up to date first.
        """;

    public async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args, ["verbose", "no-filter"]);
        if (line.Positional.Count != 1)
        {
            throw new UsageException("Give one eval file.");
        }

        var file = Path.GetFullPath(line.Positional[0]);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Eval file {file} does not exist.");
        }

        var root = line.Get("root") ?? PublicDataSetFor(file, context.ContentRoot);
        var knowledge = KnowledgeCommandSupport.Open(context, root, line.Get("index"));
        var report = await knowledge.Ingestor.IngestAsync(cancellationToken);
        if (report.FilesRead + report.FilesRemoved > 0)
        {
            context.Error.Write("index updated: ");
            KnowledgeCommandSupport.Print(context.Error, report);
        }

        var questions = RetrievalEvaluation.Load(file);
        var summary = await RetrievalEvaluation.RunAsync(knowledge.Index, questions, !line.Has("no-filter"), cancellationToken);
        context.Out.WriteLine($"eval {Path.GetFileName(file)} over {knowledge.Settings.RootPath}");
        context.Out.WriteLine($"questions: {summary.Questions}");
        context.Out.WriteLine($"recall@5:  {summary.RecallAt5:0.000}");
        context.Out.WriteLine($"MRR@10:    {summary.Mrr:0.000}");

        if (line.Has("verbose"))
        {
            foreach (var result in summary.Results.Where(r => r.MissedAt5.Count > 0))
            {
                context.Out.WriteLine();
                context.Out.WriteLine($"{result.Question.Id}: \"{result.Question.Question}\" recall@5 {result.RecallAt5:0.00}, first hit at {(result.Rank?.ToString() ?? "none")}");
                foreach (var missed in result.MissedAt5)
                {
                    context.Out.WriteLine($"  missed {missed}");
                }

                foreach (var (passage, i) in result.Top5.Select((p, i) => (p, i)))
                {
                    context.Out.WriteLine($"  {i + 1}. {passage.Source}#{passage.Section}");
                }
            }
        }

        return 0;
    }

    // An eval set named after a public data set (linuxcnc-docs.jsonl) is about that data set's documents.
    private static string? PublicDataSetFor(string file, string contentRoot)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var shared = SharedData.Find(contentRoot);
        return shared is not null && Directory.Exists(Path.Combine(shared, name)) ? Path.Combine(shared, name) : null;
    }
}
