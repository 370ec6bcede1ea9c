using Assistant.Knowledge.Evaluation;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant eval</c>: recall@5 and MRR of retrieval on an eval set.</summary>
public sealed class EvalCommand : ICliCommand
{
    public string Name => "eval";

    public string Summary => "Measure retrieval on an eval set (JSONL): recall@5 and MRR.";

    public string Usage => """
        FILE|FOLDER... [--root DIR] [--index FILE] [--verbose] [--no-filter]
          FILE         JSONL, one {"id","question","expected":["path#heading-or-id",...],"machine"?} per line;
                       a FOLDER means each *.jsonl in it, reported one by one and then pooled
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
        if (line.Positional.Count == 0)
        {
            throw new UsageException("Give an eval file or a folder of them.");
        }

        var files = line.Positional.SelectMany(ExpandFiles).ToList();
        var all = new List<QuestionResult>();
        foreach (var file in files)
        {
            all.AddRange(await EvaluateAsync(context, line, file, cancellationToken));
        }

        if (files.Count > 1)
        {
            context.Out.WriteLine();
            context.Out.WriteLine($"all {files.Count} sets: {all.Count} questions, recall@5 {all.Average(r => r.RecallAt5):0.000}, MRR@10 {all.Average(r => r.Rank is { } k ? 1.0 / k : 0):0.000}");
        }

        return 0;
    }

    private static IEnumerable<string> ExpandFiles(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return Directory.EnumerateFiles(full, "*.jsonl").Order(StringComparer.Ordinal);
        }

        return File.Exists(full) ? [full] : throw new FileNotFoundException($"Eval file {full} does not exist.");
    }

    private static async Task<IReadOnlyList<QuestionResult>> EvaluateAsync(CliContext context, CommandLine line, string file, CancellationToken cancellationToken)
    {
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
        context.Out.WriteLine();
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

        return summary.Results;
    }

    // An eval set named after a public data set (linuxcnc-docs.jsonl) is about that data set's documents.
    private static string? PublicDataSetFor(string file, string contentRoot)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var shared = SharedData.Find(contentRoot);
        return shared is not null && Directory.Exists(Path.Combine(shared, name)) ? Path.Combine(shared, name) : null;
    }
}
