using Assistant.Knowledge.Indexing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Assistant.Knowledge;

/// <summary>An index and its ingestor over one documents folder and one index file, for tools that open others than the configured one.</summary>
public sealed record KnowledgeBase(KnowledgeSettings Settings, KnowledgeStore Store, KnowledgeIngestor Ingestor, SqliteKnowledgeIndex Index)
{
    public static KnowledgeBase Open(
        KnowledgeSettings settings,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
        ILoggerFactory? loggers = null)
    {
        var store = new KnowledgeStore(settings.IndexPath);
        return new KnowledgeBase(
            settings,
            store,
            new KnowledgeIngestor(store, settings, null, embeddings, loggers?.CreateLogger<KnowledgeIngestor>()),
            new SqliteKnowledgeIndex(store, settings, embeddings));
    }
}
