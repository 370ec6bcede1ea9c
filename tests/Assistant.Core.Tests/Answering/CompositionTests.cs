using Assistant.Core.Answering;
using Assistant.Core.Answering.Model;
using Assistant.Core.Knowledge;
using Assistant.Core.LanguageModel;
using Assistant.Core.Security;
using Assistant.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Assistant.Core.Tests.Answering;

public sealed record Setpoints(string Process, double MeltTemperatureC, double HoldPressureBar);

/// <summary>
/// The answer pipeline as the web app and the CLI compose it: the real SQLite index of the sample plant (built once
/// by <see cref="SamplePlantIndex"/>), AddKnowledge and AddAnswering with the repository's appsettings.json. The
/// language model host (llama.cpp, another project) and the tools (another project) are test doubles.
/// </summary>
public sealed class CompositionTests(SamplePlantIndex plant) : IClassFixture<SamplePlantIndex>
{
    private sealed class ContentRoot : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Assistant.Core.Tests";

        public string ContentRootPath { get; set; } = Repo.Root;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    private sealed record Composed(ServiceProvider Services, FakeLanguageModelHost_TestDouble Host, ScriptedChatClient_TestDouble Chat, List<string> ToolCalls);

    private Composed Build(Dictionary<string, string?>? settings = null, bool answeringFirst = false)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Repo.Root, "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Knowledge:IndexPath"] = plant.IndexPath,
                ["Knowledge:IngestOnStartup"] = "false",
            })
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var chat = new ScriptedChatClient_TestDouble();
        var host = new FakeLanguageModelHost_TestDouble(null);
        var toolCalls = new List<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new ContentRoot());
        if (answeringFirst)
        {
            services.AddAnswering(configuration);
        }

        // What AddLlama does: its host replaces the model-less one whichever comes first.
        services.AddSingleton<ILanguageModelHost>(host);
        services.AddKnowledge(configuration);
        services.AddSingleton(AIFunctionFactory.Create(
            (string machine) =>
            {
                toolCalls.Add("classify_fault " + machine);
                return new Classification(machine, "tool wear", 0.91);
            },
            "classify_fault",
            "Classifies the machine's current fault from its latest sensor readings."));
        services.AddSingleton(AIFunctionFactory.Create(
            (string process) =>
            {
                toolCalls.Add("optimize_process " + process);
                return new Setpoints(process, 285.5, 620);
            },
            "optimize_process",
            "Finds setpoints that maximise the process KPI inside its safe limits."));
        if (!answeringFirst)
        {
            services.AddAnswering(configuration);
        }

        return new(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), host, chat, toolCalls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_model_the_plant_documents_answer_and_with_one_the_model_does_whatever_the_call_order(bool answeringFirst)
    {
        var composed = Build(answeringFirst: answeringFirst);
        var answers = composed.Services.GetRequiredService<IAnswerService>();
        Assert.Same(composed.Host, composed.Services.GetRequiredService<ILanguageModelHost>());

        var retrievalOnly = await answers.AskAsync(new AskRequest("E-217 spindle drive overtemperature on CNC-2"));
        Assert.Equal(AnswerModes.RetrievalOnly, retrievalOnly.Mode);
        Assert.Contains(retrievalOnly.Citations, c => c.Source == "manuals/cnc-machining-centre-vmc850.md");
        Assert.Empty(composed.Chat.Calls);

        composed.Host.ChatClient = composed.Chat;
        composed.Chat.Turn((messages, _) => [new TextContent($"Check the chiller [{Harness.Documents(messages).Keys.Min()}].")]);
        var model = await answers.AskAsync(new AskRequest("E-217 spindle drive overtemperature on CNC-2"));
        Assert.Equal(AnswerModes.Model, model.Mode);
        Assert.StartsWith("Check the chiller [1]", model.Text);
        Assert.Single(model.Citations);
        // The configuration's adapter for technicians reached the model.
        var adapters = Assert.IsAssignableFrom<IReadOnlyDictionary<string, float>>(composed.Chat.Calls[0].Options!.AdditionalProperties!["adapters"]);
        Assert.Equal(1.0f, adapters["maintenance"]);
    }

    [Fact]
    public async Task Without_a_language_model_runtime_the_assistant_answers_retrieval_only()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Repo.Root, "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Knowledge:IndexPath"] = plant.IndexPath, ["Knowledge:IngestOnStartup"] = "false" })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new ContentRoot());
        services.AddAnswering(configuration).AddKnowledge(configuration);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.IsType<NoLanguageModel>(provider.GetRequiredService<ILanguageModelHost>());
        var answer = await provider.GetRequiredService<IAnswerService>().AskAsync(new AskRequest("How do I change the return filter on HP-1?"));
        Assert.Equal(AnswerModes.RetrievalOnly, answer.Mode);
        Assert.NotEmpty(answer.Citations);
    }

    [Fact]
    public async Task In_retrieval_only_mode_a_question_naming_the_classifier_runs_it_for_that_machine()
    {
        var composed = Build();
        var updates = new List<AnswerUpdate>();
        await foreach (var update in composed.Services.GetRequiredService<IAnswerService>().StreamAsync(new AskRequest("classify machine CNC-2 now")))
        {
            updates.Add(update);
        }

        Assert.Equal(["classify_fault CNC-2"], composed.ToolCalls);
        var started = Assert.IsType<ToolCallStarted>(updates[0]);
        Assert.Equal("CNC-2", started.Call.Arguments.GetProperty("machine").GetString());
        var completed = Assert.IsType<ToolCallCompleted>(updates[1]);
        Assert.Equal(0.91, completed.Call.Result!.Value.GetProperty("probability").GetDouble());
        Assert.StartsWith("classify_fault for CNC-2: machine = CNC-2, label = tool wear, probability = 0.91.", Assert.IsType<AnswerTextDelta>(updates[2]).Text);
        var answer = Harness.Final(updates);
        Assert.Equal(AnswerModes.RetrievalOnly, answer.Mode);
        Assert.Equal("classify_fault", Assert.Single(answer.ToolCalls).Name);
    }

    [Theory]
    [InlineData("optimize BR-1", "optimize_process batch-reactor-coupling-agent")]
    [InlineData("best setpoints for IM-1", "optimize_process injection-moulding-cover")]
    public async Task In_retrieval_only_mode_an_optimisation_request_runs_the_optimizer_on_the_machines_process(string question, string expected)
    {
        var composed = Build();

        var answer = await composed.Services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest(question));

        Assert.Equal([expected], composed.ToolCalls);
        Assert.Equal(620, Assert.Single(answer.ToolCalls).Result!.Value.GetProperty("holdPressureBar").GetDouble());
    }

    [Fact]
    public async Task A_tool_request_for_a_machine_the_tool_does_not_cover_says_so_instead_of_running_it()
    {
        var composed = Build();

        var answer = await composed.Services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest("classify RC-1 now"));

        Assert.Empty(composed.ToolCalls);
        Assert.Empty(answer.ToolCalls);
        Assert.StartsWith("No fault classifier watches RC-1. Classifiers watch HP-1, HP-2, CNC-1, CNC-2, CNC-3.", answer.Text);
    }

    [Theory]
    [InlineData("What is the optimal torque for the CNC-2 drawbar nut?")]
    [InlineData("How do I classify a surface defect as scrap?")]
    public async Task Questions_that_only_sound_like_a_tool_request_run_no_tool(string question)
    {
        var composed = Build();

        var answer = await composed.Services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest(question));

        Assert.Empty(composed.ToolCalls);
        Assert.Empty(answer.ToolCalls);
        Assert.NotEmpty(answer.Citations);
    }

    [Fact]
    public async Task Retrieval_only_mode_refuses_a_bypass_question_too()
    {
        var composed = Build();

        var answer = await composed.Services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest("how to jumper the e-stop on HP-1"));

        Assert.Contains("can't help with bypassing", answer.Text);
        Assert.DoesNotContain(answer.Citations, c => !c.Section.Contains("lock", StringComparison.OrdinalIgnoreCase) && !c.Section.Contains("LOTO", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_settings_fail_at_start_with_the_key_to_fix()
    {
        var composed = Build(new() { ["Assistant:MaxToolRounds"] = "99" });

        var error = Assert.Throws<OptionsValidationException>(() => composed.Services.GetRequiredService<IOptions<AssistantOptions>>().Value);
        Assert.Contains("Assistant:MaxToolRounds", error.Message);
    }

    [Fact]
    public void Without_the_knowledge_index_the_container_refuses_to_build_and_names_what_is_missing()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IHostEnvironment>(new ContentRoot());
        services.AddAnswering(new ConfigurationBuilder().Build());

        var error = Assert.Throws<AggregateException>(() => services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        Assert.Contains(nameof(IKnowledgeIndex), error.Message);
    }

    [Fact]
    public void The_configuration_file_binds_to_the_adapter_rules()
    {
        var composed = Build();
        var options = composed.Services.GetRequiredService<IOptions<AssistantOptions>>().Value;

        Assert.Equal(1.0f, options.Adapters.ByRole["Technician"]["maintenance"]);
        var quality = Assert.Single(options.Adapters.QuestionKinds);
        Assert.Equal("quality", quality.Name);
        Assert.Equal(
            new Dictionary<string, float> { ["quality"] = 1.0f },
            AdapterSelector.Select(new AskRequest("Surface finish is out of spec on CNC-1 parts", Role: UserRole.Technician), options.Adapters));
    }
}
