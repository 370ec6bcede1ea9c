namespace Assistant.Cli.Commands;

/// <summary><c>assistant ingest</c>: brings the index up to date with the knowledge folder.</summary>
public sealed class IngestCommand : ICliCommand
{
    public string Name => "ingest";

    public string Summary => "Read the plant's manuals and incident logs into the search index (incremental).";

    public string Usage => """
        [--root DIR] [--index FILE]
          --root DIR    documents folder (default: Knowledge:Root, the sample plant's knowledge/)
          --index FILE  index file (default: Knowledge:IndexPath, or data/knowledge-<folder>.db with --root)
        Unchanged files are not read again; deleted files leave the index; a malformed file is skipped with its reason.
        """;

    public async Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args);
        var knowledge = KnowledgeCommandSupport.Open(context, line.Get("root"), line.Get("index"));
        context.Out.WriteLine($"Ingesting {knowledge.Settings.RootPath} into {knowledge.Settings.IndexPath}");
        var report = await knowledge.Ingestor.IngestAsync(cancellationToken);
        KnowledgeCommandSupport.Print(context.Out, report);
        var status = await knowledge.Index.GetStatusAsync(cancellationToken);
        context.Out.WriteLine($"Index: {status.Documents} documents, {status.Passages} passages{(status.VectorsAvailable ? ", with vectors" : "")}.");
        return 0;
    }
}
