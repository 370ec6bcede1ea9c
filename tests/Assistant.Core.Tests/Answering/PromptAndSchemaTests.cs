using System.Text.Json;
using Assistant.Core.Answering.Composition;
using Assistant.Core.Answering.Tools;
namespace Assistant.Core.Tests.Answering;

public sealed class PromptAndSchemaTests : IDisposable
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

    [Theory]
    [InlineData("""{"machine":"CNC-2","window":30}""", null)]
    [InlineData("""{"machine":"CNC-2","window":0}""", "arguments.window must be at least 1, not 0.")]
    [InlineData("""{"machine":"CNC-2","window":2.5}""", "arguments.window must be of type integer")]
    [InlineData("""{"machine":"CNC-9"}""", "arguments.machine must be one of")]
    [InlineData("""{"machine":"CNC-2","sensors":["spindle_temp",3]}""", "arguments.sensors[1] must be of type string")]
    public void Tool_arguments_are_checked_against_the_schema(string arguments, string? expected)
    {
        using var schema = JsonDocument.Parse("""
            {"type":"object","additionalProperties":false,"required":["machine"],
             "properties":{"machine":{"type":"string","enum":["CNC-1","CNC-2"]},
                           "window":{"type":"integer","minimum":1,"maximum":120},
                           "sensors":{"type":"array","items":{"type":"string"}}}}
            """);
        using var value = JsonDocument.Parse(arguments);

        var errors = ToolArgumentValidator.Validate(schema.RootElement, value.RootElement);

        if (expected is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        }
    }
}
