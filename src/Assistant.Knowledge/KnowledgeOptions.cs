using Assistant.Core;

namespace Assistant.Knowledge;

/// <summary>The <c>Knowledge</c> section of <c>appsettings.json</c>.</summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>Folder with the plant's manuals and incident logs; relative to the content root.</summary>
    public string Root { get; set; } = "knowledge";

    /// <summary>The SQLite index file; relative to the content root.</summary>
    public string IndexPath { get; set; } = "data/knowledge.db";

    /// <summary>Ingest in the background when the web app starts and the index is stale.</summary>
    public bool IngestOnStartup { get; set; } = true;

    /// <summary>The plant layout (lines, machines, which manual covers which machine); relative to <see cref="Root"/>.</summary>
    public string PlantLayoutPath { get; set; } = "plant.json";

    /// <summary>Globs relative to <see cref="Root"/> that ingestion leaves out ('**' any folders, '*' within a name).</summary>
    public string[] Exclude { get; set; } = ["eval/**", "readings/**", "plant.json"];

    /// <summary>Upper bound on a passage's length; longer sections are cut between paragraphs, rows or steps.</summary>
    public int MaxPassageChars { get; set; } = 1500;

    /// <summary>BM25 weight of a match in the title and heading path, relative to one in the body text.</summary>
    public double HeadingWeight { get; set; } = 3.0;

    /// <summary>BM25 weight of a match on a word's stem (bearings ~ bearing) relative to an exact match.</summary>
    public double StemWeight { get; set; } = 1.0;

    /// <summary>Reciprocal rank fusion constant for hybrid (lexical + vector) search.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>
    /// On an index of 2,000 passages or more, a question's terms found in more than this share of all passages are
    /// left out of the query: they barely move BM25 (none at all above 0.5) but scoring their matches dominates latency.
    /// 1 keeps every term.
    /// </summary>
    public double CommonTermShare { get; set; } = 0.5;

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Root))
        {
            return "Knowledge:Root must name the folder with the plant's documents.";
        }

        if (string.IsNullOrWhiteSpace(IndexPath))
        {
            return "Knowledge:IndexPath must name the index file, e.g. data/knowledge.db.";
        }

        if (MaxPassageChars is < 200 or > 20000)
        {
            return $"Knowledge:MaxPassageChars must be between 200 and 20000, not {MaxPassageChars}.";
        }

        if (HeadingWeight < 0 || StemWeight < 0)
        {
            return "Knowledge:HeadingWeight and Knowledge:StemWeight must not be negative.";
        }

        if (CommonTermShare is <= 0 or > 1)
        {
            return $"Knowledge:CommonTermShare must be above 0 and at most 1, not {CommonTermShare}.";
        }

        return RrfK < 1 ? "Knowledge:RrfK must be at least 1." : null;
    }
}

/// <summary>Knowledge options with every path resolved: what the index and the ingestor run on.</summary>
public sealed record KnowledgeSettings(
    string RootPath,
    string IndexPath,
    string PlantLayoutPath,
    IReadOnlyList<string> Exclude,
    int MaxPassageChars = 1500,
    double HeadingWeight = 3.0,
    double StemWeight = 1.0,
    int RrfK = 60,
    double CommonTermShare = 0.5)
{
    public static KnowledgeSettings From(KnowledgeOptions options, string contentRoot)
    {
        var root = AssistantPaths.Resolve(contentRoot, options.Root);
        return new KnowledgeSettings(
            root,
            AssistantPaths.Resolve(contentRoot, options.IndexPath),
            AssistantPaths.Resolve(root, options.PlantLayoutPath),
            options.Exclude,
            options.MaxPassageChars,
            options.HeadingWeight,
            options.StemWeight,
            options.RrfK,
            options.CommonTermShare);
    }

    /// <summary>Default settings for a documents folder and an index file, as the eval and bench commands use them.</summary>
    public static KnowledgeSettings For(string rootPath, string indexPath) =>
        From(new KnowledgeOptions { Root = rootPath, IndexPath = indexPath }, Directory.GetCurrentDirectory());
}
