using System.CommandLine;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant ingest</c>: brings the index up to date with the knowledge folder.</summary>
internal sealed class IngestCommand : Command
{
    private readonly CliContext _cli;
    private readonly Option<DirectoryInfo> _root = KnowledgeCommandSupport.RootOption("documents folder (default: Knowledge:Root, the sample plant's knowledge/)");
    private readonly Option<string?> _index = KnowledgeCommandSupport.IndexOption();

    public IngestCommand(CliContext cli)
        : base("ingest", """
            Read the plant's manuals and incident logs into the search index (incremental).
            Unchanged files are not read again; deleted files leave the index; a malformed file is skipped with its reason.
            """)
    {
        _cli = cli;
        Options.Add(_root);
        Options.Add(_index);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var knowledge = KnowledgeCommandSupport.Open(_cli, parse.GetValue(_root), parse.GetValue(_index));
        _cli.Out.WriteLine($"Ingesting {knowledge.Settings.RootPath} into {knowledge.Settings.IndexPath}");
        var report = await knowledge.Ingestor.IngestAsync(cancellationToken);
        KnowledgeCommandSupport.Print(_cli.Out, report);
        var status = await knowledge.Index.GetStatusAsync(cancellationToken);
        _cli.Out.WriteLine($"Index: {status.Documents} documents, {status.Passages} passages{(status.VectorsAvailable ? ", with vectors" : "")}.");
        return 0;
    }
}
