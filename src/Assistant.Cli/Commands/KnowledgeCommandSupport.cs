using System.CommandLine;
using Assistant.Core;
using Assistant.Core.Knowledge;
using Assistant.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assistant.Cli.Commands;

/// <summary>What the knowledge verbs share: opening the configured index or one over another folder, printing a report.</summary>
internal static class KnowledgeCommandSupport
{
    public static Option<DirectoryInfo> RootOption(string description) =>
        new Option<DirectoryInfo>("--root") { Description = description, HelpName = "DIR" }.AcceptExistingOnly();

    public static Option<string?> IndexOption() => new("--index")
    {
        Description = "index file (default: Knowledge:IndexPath, or data/knowledge-<folder>.db with --root)",
        HelpName = "FILE",
    };

    /// <summary>The configured knowledge base, or one over <c>--root</c> (and <c>--index</c>) when given.</summary>
    public static KnowledgeBase Open(CliContext context, DirectoryInfo? root, string? index) => Open(context, root?.FullName, index);

    public static KnowledgeBase Open(CliContext context, string? root, string? index)
    {
        var configured = context.Services.GetRequiredService<KnowledgeSettings>();
        if (root is null && index is null)
        {
            return KnowledgeBase.Open(configured, Embeddings(context), context.Services.GetService<ILoggerFactory>());
        }

        var rootPath = root is null ? configured.RootPath : AssistantPaths.Resolve(Directory.GetCurrentDirectory(), root);
        var indexPath = index is not null
            ? AssistantPaths.Resolve(Directory.GetCurrentDirectory(), index)
            : Path.Combine(context.ContentRoot, "data", $"knowledge-{Path.GetFileName(rootPath.TrimEnd('/', '\\'))}.db");
        var settings = configured with
        {
            RootPath = rootPath,
            IndexPath = indexPath,
            PlantLayoutPath = Path.Combine(rootPath, Path.GetFileName(configured.PlantLayoutPath)),
        };
        return KnowledgeBase.Open(settings, Embeddings(context), context.Services.GetService<ILoggerFactory>());
    }

    public static IEmbeddingGenerator<string, Embedding<float>>? Embeddings(CliContext context) =>
        context.Services.GetService<IEmbeddingGenerator<string, Embedding<float>>>();

    public static void Print(TextWriter output, IngestReport report)
    {
        output.WriteLine(
            $"{report.FilesRead} files read, {report.FilesUnchanged} unchanged, {report.FilesRemoved} removed, " +
            $"{report.PassagesWritten} passages written, {report.Skipped.Count} skipped in {report.Elapsed.TotalSeconds:0.00} s");
        foreach (var skipped in report.Skipped)
        {
            output.WriteLine($"  skipped {skipped.Path}: {skipped.Reason}");
        }
    }
}
