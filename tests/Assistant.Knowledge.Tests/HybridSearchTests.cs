using Assistant.Core.Knowledge;
using Assistant.Knowledge.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Assistant.Knowledge.Tests;

/// <summary>
/// Stands in for an embedding model, which these machines cannot run: words are mapped to a few concept dimensions
/// (so "scorching" and "overtemperature" land together, as a real model would place them) plus hashed word dimensions.
/// </summary>
public sealed class ConceptEmbeddingGenerator_TestDouble : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int Dimensions = 64;

    private static readonly Dictionary<string, int> Concepts = new(StringComparer.Ordinal)
    {
        ["scorch"] = 0, ["overtemperatur"] = 0, ["hot"] = 0, ["overheat"] = 0,
        ["suction"] = 1, ["vacuum"] = 1,
    };

    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var embeddings = values.Select(text =>
        {
            var vector = new float[Dimensions];
            foreach (var stem in TechnicalTokenizer.Stems(TechnicalTokenizer.Terms(text)))
            {
                if (Concepts.TryGetValue(stem, out var concept))
                {
                    vector[concept] += 4;
                }
                else
                {
                    vector[8 + (int)((uint)StringComparer.Ordinal.GetHashCode(stem) % (Dimensions - 8))] += 0.2f;
                }
            }

            return new Embedding<float>(vector);
        });
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(embeddings));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test-double", null, "concepts-v1", Dimensions) : null;

    public void Dispose()
    {
    }
}

public sealed class HybridSearchTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Vectors_live_in_the_same_file_and_bring_in_passages_no_word_of_the_question_matches()
    {
        var root = _temp.WithPlantFixture();
        var embeddings = new ConceptEmbeddingGenerator_TestDouble();
        var knowledge = KnowledgeBase.Open(KnowledgeSettings.For(root, _temp.Combine("index", "knowledge.db")), embeddings);
        var report = await knowledge.Ingestor.IngestAsync();

        var status = await knowledge.Index.GetStatusAsync();
        Assert.True(status.VectorsAvailable);
        using (var connection = new SqliteConnection($"Data Source={knowledge.Settings.IndexPath}"))
        {
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM passage_vectors;";
            Assert.Equal((long)report.PassagesWritten, (long)count.ExecuteScalar()!);
        }

        // No passage contains "scorching"; lexical search alone finds nothing.
        var lexicalOnly = KnowledgeBase.Open(knowledge.Settings);
        Assert.Empty(await lexicalOnly.Index.SearchAsync(new SearchQuery("scorching", 5)));

        var hits = await knowledge.Index.SearchAsync(new SearchQuery("scorching", 3, new SearchFilter(Kind: DocumentKind.Manual)));
        Assert.Contains(hits, h => h.Passage.SectionPath.LastOrDefault() == "E-217 Spindle drive overtemperature");
        Assert.All(hits, h => Assert.Equal(DocumentKind.Manual, h.Passage.Kind));

        // Both rankings agree on the E-217 passage for this question, so fusion puts it first.
        var fused = await knowledge.Index.SearchAsync(new SearchQuery("E-217 overtemperature", 5));
        Assert.Equal("E-217 Spindle drive overtemperature", fused[0].Passage.SectionPath[^1]);
        Assert.True(fused[0].Score > fused[^1].Score);
    }

    [Fact]
    public async Task Vector_search_honours_the_machine_filter()
    {
        var root = _temp.WithPlantFixture();
        var knowledge = KnowledgeBase.Open(KnowledgeSettings.For(root, _temp.Combine("index", "knowledge.db")), new ConceptEmbeddingGenerator_TestDouble());
        await knowledge.Ingestor.IngestAsync();

        var hits = await knowledge.Index.SearchAsync(new SearchQuery("scorching", 10, new SearchFilter(Machine: "HP-1")));

        Assert.NotEmpty(hits);
        Assert.DoesNotContain(hits, h => h.Passage.Source == "manuals/cnc-vmc850.md" || h.Passage.Machine is "CNC-2" or "RC-1");
    }
}
