using Assistant.Core.Answering.Composition;
namespace Assistant.Core.Tests.Answering;

public sealed class PromptLibraryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("prompts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_edited_prompt_file_is_used_on_the_next_question_and_editor_notes_are_not_sent()
    {
        var library = new PromptLibrary(_folder);
        var path = Path.Combine(_folder, PromptLibrary.Technician);
        File.WriteAllText(path, "# note for the editor\nUse short steps for {{escalate_to}}.");
        Assert.Equal("Use short steps for the lead.", library.Render(PromptLibrary.Technician, new Dictionary<string, string> { ["escalate_to"] = "the lead" }));

        File.WriteAllText(path, "Say the torque first. {{unknown}}");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("Say the torque first. {{unknown}}", library.Render(PromptLibrary.Technician, new Dictionary<string, string>()));
    }

    [Fact]
    public void A_missing_prompt_file_names_the_file_and_the_setting()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new PromptLibrary(_folder).Get(PromptLibrary.System));
        Assert.Contains("system.txt", error.Message);
        Assert.Contains("Assistant:PromptsPath", error.Message);
    }

    [Fact]
    public void Every_prompt_the_pipeline_uses_ships_in_the_repository()
    {
        var library = new PromptLibrary(Repo.Prompts);
        foreach (var name in new[] { PromptLibrary.System, PromptLibrary.Technician, PromptLibrary.Engineer, PromptLibrary.Question, PromptLibrary.NotCovered, PromptLibrary.Refusal })
        {
            Assert.False(string.IsNullOrWhiteSpace(library.Get(name)), name);
        }

        Assert.Contains("{{passages}}", library.Get(PromptLibrary.Question));
        Assert.Contains("{{question}}", library.Get(PromptLibrary.Question));
    }
}
