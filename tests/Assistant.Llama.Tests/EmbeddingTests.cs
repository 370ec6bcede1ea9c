using System.Numerics.Tensors;

namespace Assistant.Llama.Tests;

[Collection(TestModelCollection.Name)]
public sealed class EmbeddingTests(TestModelFixture fixture)
{
    private static readonly string[] Texts =
    [
        "Hydraulic pump pressure drops below 120 bar after warm-up.",
        "Replace the spindle bearing when vibration exceeds 4.5 mm/s.",
        "",
        "Coolant concentration 6-8 %.",
    ];

    [Fact]
    public async Task Embeddings_have_the_model_width_and_unit_length()
    {
        var result = await fixture.Embeddings.GenerateAsync(Texts);
        Assert.Equal(Texts.Length, result.Count);
        foreach (var embedding in result)
        {
            Assert.Equal(64, embedding.Vector.Length);
            Assert.Equal(1.0, TensorPrimitives.Norm(embedding.Vector.Span), 3);
        }

        Assert.NotEqual(result[0].Vector.ToArray(), result[1].Vector.ToArray());
    }

    [Fact]
    public async Task Embeddings_are_deterministic_and_independent_of_batching()
    {
        var together = await fixture.Embeddings.GenerateAsync(Texts);
        for (var i = 0; i < Texts.Length; i++)
        {
            var alone = (await fixture.Embeddings.GenerateAsync([Texts[i]]))[0].Vector.ToArray();
            var batched = together[i].Vector.ToArray();
            for (var d = 0; d < alone.Length; d++)
            {
                Assert.Equal(alone[d], batched[d], 0.001); // batched matrix kernels round differently
            }
        }

        var again = await fixture.Embeddings.GenerateAsync(Texts);
        Assert.Equal(together.Select(e => e.Vector.ToArray()), again.Select(e => e.Vector.ToArray()));
    }

    [Fact]
    public async Task Long_text_is_cut_to_the_embedding_context()
    {
        var longText = string.Concat(Enumerable.Repeat("bearing temperature rising; ", 200));
        var result = await fixture.Embeddings.GenerateAsync([longText]);
        Assert.Equal(64, result[0].Vector.Length);
        Assert.Equal(fixture.Options.EmbeddingContextSize, result.Usage!.InputTokenCount);
    }
}
