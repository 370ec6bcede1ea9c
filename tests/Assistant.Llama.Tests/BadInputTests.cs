using Assistant.Llama.Gguf;
using Assistant.Llama.Inference;
using Assistant.Llama.TestModels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Llama.Tests;

[Collection(TestModelCollection.Name)]
public sealed class BadInputTests(TestModelFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llama-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LlamaModelLoadException LoadFails(string path) =>
        Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(path, fixture.Options, NullLogger.Instance));

    [Fact]
    public void Missing_model_file_says_where_it_looked()
    {
        var path = Path.Combine(_dir, "nowhere.gguf");
        var error = LoadFails(path);
        Assert.Contains(path, error.Message);
        Assert.Contains("appsettings.json", error.Message);
    }

    [Fact]
    public void Truncated_model_file_is_refused()
    {
        var path = Path.Combine(_dir, "cut.gguf");
        var bytes = File.ReadAllBytes(fixture.Models.ChatModelPath);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated", LoadFails(path).Message);

        File.WriteAllBytes(path, bytes[..100]);
        Assert.Contains("truncated", LoadFails(path).Message);
    }

    [Fact]
    public void Foreign_file_is_refused()
    {
        var path = Path.Combine(_dir, "manual.gguf");
        File.WriteAllText(path, "PK this is a zip, or a PDF, or anything but GGUF; long enough to have a header.");
        Assert.Contains("not a GGUF file", LoadFails(path).Message);
    }

    [Fact]
    public void Adapter_given_as_the_model_is_refused()
    {
        Assert.Contains("LoRA adapter, not a model", LoadFails(fixture.Models.AdapterPath).Message);
    }

    [Fact]
    public void Gguf_that_is_no_llama_model_is_refused_before_llama_cpp_sees_it()
    {
        var path = Path.Combine(_dir, "weird.gguf");
        new GgufWriter().Add("general.architecture", "llama").Add("llama.block_count", 100_000u)
            .AddTensor("token_embd.weight", [4, 4], GgmlType.F32, () => new float[16]).Write(path);
        Assert.Contains("block_count", LoadFails(path).Message);
    }

    [Fact]
    public void Adapter_for_another_base_model_is_refused()
    {
        var entry = new AdapterManifestEntry("quality", Path.GetFileName(fixture.Models.AdapterPath), "llama-3-8b-instruct");
        var error = Assert.Throws<LoraAdapterException>(() => LoraAdapterLoader.Load(fixture.Model, entry, fixture.Models.AdapterPath));
        Assert.Contains("llama-3-8b-instruct", error.Message);
        Assert.Contains(TestModelWriter.ChatModelName, error.Message);
    }

    [Fact]
    public void Adapter_of_another_size_is_refused_by_shape()
    {
        var path = Path.Combine(_dir, "wide.gguf");
        TestModelWriter.WriteLoraAdapter(path, new TestModelShape(Width: 128, FeedForward: 256), TestModelWriter.ChatModelName);
        var entry = new AdapterManifestEntry("wide", "wide.gguf", TestModelWriter.ChatModelName);
        var error = Assert.Throws<LoraAdapterException>(() => LoraAdapterLoader.Load(fixture.Model, entry, path));
        Assert.Contains("another size", error.Message);
    }

    [Fact]
    public void Broken_manifest_entries_are_reported_and_the_rest_load()
    {
        File.Copy(fixture.Models.AdapterPath, Path.Combine(_dir, "good.gguf"));
        AdapterManifest.Write(Path.Combine(_dir, AdapterManifest.FileName),
        [
            new AdapterManifestEntry("good", "good.gguf", TestModelWriter.ChatModelName, 1f, "maintenance"),
            new AdapterManifestEntry("missing", "missing.gguf", TestModelWriter.ChatModelName),
        ]);
        var problems = new List<string>();
        var loaded = LoraAdapterLoader.LoadAll(fixture.Model, _dir, NullLogger.Instance, problems);
        try
        {
            Assert.Equal("good", Assert.Single(loaded).Entry.Name);
            Assert.Contains("missing.gguf", Assert.Single(problems));
        }
        finally
        {
            foreach (var adapter in loaded)
            {
                adapter.Handle.Dispose();
            }
        }
    }

    [Fact]
    public async Task Token_ids_outside_the_vocabulary_never_reach_llama_cpp()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in fixture.Generator.GenerateAsync(new GenerationRequest([1, fixture.Model.VocabularySize + 5])))
            {
            }
        });
        Assert.Contains("outside this model's vocabulary", error.Message);
        Assert.Throws<ArgumentException>(() => fixture.Model.Detokenize([-1]));
    }

    [Fact]
    public async Task Grammar_that_does_not_parse_is_an_argument_error()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in fixture.Generator.GenerateAsync(new GenerationRequest([1, 2]) { Grammar = "root ::= (unclosed" }))
            {
            }
        });
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(100f)]
    public async Task Bad_adapter_scale_is_refused(float scale)
    {
        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in fixture.Generator.GenerateAsync(new GenerationRequest([1, 2]) { Adapters = new Dictionary<string, float> { ["test-maintenance"] = scale } }))
            {
            }
        });
    }
}
