using System.CommandLine;
using Assistant.Core;
using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Assistant.Core.LanguageModel;
using Assistant.Knowledge;
using Assistant.Knowledge.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary>
/// <c>assistant eval</c>: recall@5 and MRR of retrieval on an eval set and, with <c>--answers</c>, citation precision
/// and recall of the answers the configured pipeline (model or retrieval-only) gives.
/// </summary>
internal sealed class EvalCommand : Command
{
    private readonly CliContext _cli;
    private readonly Argument<string[]> _files = new("FILE|FOLDER")
    {
        Description = """
            JSONL, one {"id","question","expected":["path#heading-or-id",...],"machine"?} per line; a FOLDER means
            each *.jsonl in it, reported one by one and then pooled
            """,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<DirectoryInfo> _root = KnowledgeCommandSupport.RootOption("""
        documents the expected paths are relative to. Default: the configured knowledge folder, or, when FILE is
        named after a public data set (linuxcnc-docs.jsonl), that data set's folder under shared/data (or $SHOPFLOOR_SHARED_DATA)
        """);

    private readonly Option<string?> _index = KnowledgeCommandSupport.IndexOption();

    private readonly Option<bool> _noFilter = new("--no-filter") { Description = "ignore the questions' machine field" };

    private readonly Option<bool> _answers = new("--answers")
    {
        Description = """
            also ask each question (with its role and machine, 5 passages) of the configured answer pipeline (the model
            when Llama:ModelPath is set, else retrieval-only) and score the answer's citations against the expected
            items: precision over answers that cite something, recall over all, how many cite nothing, time per answer.
            Only for sets over the configured knowledge folder
            """,
    };

    private readonly Option<int?> _limit = new Option<int?>("--limit")
    {
        Description = "with --answers, ask only the first N questions of each set (a model answers slowly)",
        HelpName = "N",
        CustomParser = CliOptions.OptionalWholeNumber,
    }.Require(n => n >= 1, "a number of questions of at least 1");

    public EvalCommand(CliContext cli)
        : base("eval", """
            Measure retrieval on an eval set (JSONL): recall@5 and MRR; --answers adds citation precision/recall.
            The index over the folder is brought up to date first. With --verbose, each question that misses an
            expected item is listed with what came first.
            """)
    {
        _cli = cli;
        Arguments.Add(_files);
        Options.Add(_root);
        Options.Add(_index);
        Options.Add(_noFilter);
        Options.Add(_answers);
        Options.Add(_limit);
        Validators.Add(result =>
        {
            if (result.GetResult(_limit) is { Implicit: false } && !result.GetValue(_answers))
            {
                result.AddError("--limit only limits the questions asked with --answers.");
            }
        });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var run = new EvalRun(
            parse.GetValue(_root)?.FullName,
            parse.GetValue(_index),
            Filter: !parse.GetValue(_noFilter),
            Answers: parse.GetValue(_answers),
            Verbose: parse.GetValue<bool>(AssistantCommandLine.VerboseOption),
            parse.GetValue(_limit));
        var context = _cli;
        var files = parse.GetRequiredValue(_files).SelectMany(ExpandFiles).ToList();
        var all = new List<QuestionResult>();
        var answered = new List<AnswerResult>();
        var setsAnswered = 0;
        foreach (var file in files)
        {
            var (retrieval, answers) = await EvaluateAsync(context, run, file, cancellationToken);
            all.AddRange(retrieval);
            if (answers is not null)
            {
                answered.AddRange(answers);
                setsAnswered++;
            }
        }

        if (files.Count > 1)
        {
            context.Out.WriteLine();
            context.Out.WriteLine($"all {files.Count} sets: {all.Count} questions, recall@5 {all.Average(r => r.RecallAt5):0.000}, MRR@10 {all.Average(r => r.Rank is { } k ? 1.0 / k : 0):0.000}");
            if (setsAnswered > 1)
            {
                context.Out.WriteLine($"answers pooled over the {setsAnswered} sets over the configured knowledge folder:");
                PrintCitations(context.Out, CitationEvaluation.Summarize(answered));
            }
        }

        return 0;
    }

    private sealed record EvalRun(string? Root, string? Index, bool Filter, bool Answers, bool Verbose, int? Limit);

    private static IEnumerable<string> ExpandFiles(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return Directory.EnumerateFiles(full, "*.jsonl").Order(StringComparer.Ordinal);
        }

        return File.Exists(full) ? [full] : throw new FileNotFoundException($"Eval file {full} does not exist.");
    }

    private static async Task<(IReadOnlyList<QuestionResult> Retrieval, IReadOnlyList<AnswerResult>? Answers)> EvaluateAsync(
        CliContext context, EvalRun run, string file, CancellationToken cancellationToken)
    {
        var root = run.Root ?? PublicDataSetFor(file, context.ContentRoot);
        var knowledge = KnowledgeCommandSupport.Open(context, root, run.Index);
        var report = await knowledge.Ingestor.IngestAsync(cancellationToken);
        if (report.FilesRead + report.FilesRemoved > 0)
        {
            context.Error.Write("index updated: ");
            KnowledgeCommandSupport.Print(context.Error, report);
        }

        var questions = RetrievalEvaluation.Load(file);
        var summary = await RetrievalEvaluation.RunAsync(knowledge.Index, questions, run.Filter, cancellationToken);
        context.Out.WriteLine();
        context.Out.WriteLine($"eval {Path.GetFileName(file)} over {knowledge.Settings.RootPath}");
        context.Out.WriteLine($"questions: {summary.Questions}");
        context.Out.WriteLine($"recall@5:  {summary.RecallAt5:0.000}");
        context.Out.WriteLine($"MRR@10:    {summary.Mrr:0.000}");

        if (run.Verbose)
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

        if (!run.Answers)
        {
            return (summary.Results, null);
        }

        var configured = context.Services.GetRequiredService<KnowledgeSettings>();
        if (!SamePath(knowledge.Settings.RootPath, configured.RootPath) || !SamePath(knowledge.Settings.IndexPath, configured.IndexPath))
        {
            // The answer pipeline searches the configured index; scoring its citations against another folder's
            // expected items would only measure the mismatch.
            context.Out.WriteLine($"answers:   not asked: the answer pipeline reads the configured knowledge folder {configured.RootPath}, not this set's");
            return (summary.Results, null);
        }

        var asked = run.Limit is { } n ? questions.Take(n).ToList() : questions;
        var answers = context.Services.GetRequiredService<IAnswerService>();
        // Loads the model now, so its start-up is not counted in the first answer's time.
        var model = context.Services.GetService<ILanguageModelHost>()?.State;
        var index = context.Services.GetRequiredService<IKnowledgeIndex>();
        var done = 0;
        var citations = await CitationEvaluation.RunAsync(
            answers,
            index,
            asked,
            run.Filter,
            r => context.Error.Write($"\ranswered {++done}/{asked.Count} ({r.Question.Id}: {r.Mode}, {r.Elapsed.TotalSeconds:0.0} s)      "),
            cancellationToken);
        context.Error.WriteLine();

        context.Out.WriteLine(asked.Count < questions.Count
            ? $"answers to the first {asked.Count} of {questions.Count} questions (--limit), model: {ModelLine(model)}"
            : $"answers to all {asked.Count} questions, model: {ModelLine(model)}");
        PrintCitations(context.Out, citations);

        if (run.Verbose)
        {
            foreach (var result in citations.Results.Where(r => r.Score.Missed.Count > 0 || r.Score.Unexpected.Count > 0))
            {
                var precision = result.Score.Precision is { } p ? p.ToString("0.00") : "n/a";
                context.Out.WriteLine();
                context.Out.WriteLine($"{result.Question.Id}: \"{result.Question.Question}\" cites {result.Score.Cited}, precision {precision}, recall {result.Score.Recall:0.00} ({result.Mode}, {result.Elapsed.TotalSeconds:0.00} s)");
                foreach (var missed in result.Score.Missed)
                {
                    context.Out.WriteLine($"  not cited {missed}");
                }

                foreach (var unexpected in result.Score.Unexpected)
                {
                    context.Out.WriteLine($"  cited     {unexpected}");
                }

                foreach (var note in result.Notes.Where(_ => result.Score.Cited == 0))
                {
                    context.Out.WriteLine($"  note: {note}");
                }
            }
        }

        return (summary.Results, citations.Results);
    }

    private static void PrintCitations(TextWriter output, CitationSummary summary)
    {
        var cited = summary.Questions - summary.WithoutCitations;
        output.WriteLine($"answer mode:         {string.Join(", ", summary.Modes.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value}"))}");
        output.WriteLine($"citation precision:  {(summary.Precision is { } p ? p.ToString("0.000") : "n/a")} (mean over the {cited} answers that cite something)");
        output.WriteLine($"citation recall:     {summary.Recall:0.000} (mean over all {summary.Questions}; an answer citing nothing scores 0)");
        output.WriteLine($"no citations:        {summary.WithoutCitations} of {summary.Questions} (escalations, refusals, nothing found)");
        output.WriteLine($"time per answer:     mean {summary.MeanElapsed.TotalSeconds:0.000} s, median {summary.MedianElapsed.TotalSeconds:0.000} s, max {summary.MaxElapsed.TotalSeconds:0.000} s");
    }

    private static string ModelLine(LanguageModelState? state) =>
        state is null ? "none registered"
        : state.Error is { } error ? $"{state.Description} (not usable: {error})"
        : state.Description;

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/', '\\'), Path.GetFullPath(b).TrimEnd('/', '\\'), StringComparison.Ordinal);

    // An eval set named after a public data set (linuxcnc-docs.jsonl) is about that data set's documents.
    private static string? PublicDataSetFor(string file, string contentRoot)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var shared = SharedData.Find(contentRoot);
        return shared is not null && Directory.Exists(Path.Combine(shared, name)) ? Path.Combine(shared, name) : null;
    }
}
