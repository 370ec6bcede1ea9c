using Assistant.Core.Answering;
using Assistant.Core.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Assistant.Core.Tests.Answering;

public sealed record Setpoints(string Process, double MeltTemperatureC, double HoldPressureBar);

public sealed class CompositionTests
{
    private sealed class ContentRoot : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Assistant.Core.Tests";

        public string ContentRootPath { get; set; } = Repo.Root;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    private static (ServiceProvider Services, FakeLanguageModelHost_TestDouble Host, ScriptedChatClient_TestDouble Chat, List<string> ToolCalls) Build(
        Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Repo.Root, "appsettings.json"))
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var chat = new ScriptedChatClient_TestDouble();
        var host = new FakeLanguageModelHost_TestDouble(null);
        var toolCalls = new List<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new ContentRoot());
        services.AddSingleton<IKnowledgeIndex>(new InMemoryKnowledgeIndex_TestDouble(SamplePassages.All));
        services.AddSingleton<ILanguageModelHost>(host);
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
        // What AddKnowledge does for the retrieval-only answerer.
        services.TryAddSingleton<IAnswerService, RetrievalOnlyAnswerer_TestDouble>();
        services.AddAnswering(configuration);
        return (services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), host, chat, toolCalls);
    }

    [Fact]
    public async Task Without_a_model_the_retrieval_only_answerer_answers_and_with_one_the_model_does()
    {
        var (services, host, chat, _) = Build();
        var answers = services.GetRequiredService<IAnswerService>();
        Assert.IsType<AnswerService>(answers);

        var retrievalOnly = await answers.AskAsync(new AskRequest("CNC-2 spindle E-217"));
        Assert.Equal(AnswerModes.RetrievalOnly, retrievalOnly.Mode);
        Assert.Equal(1, services.GetRequiredService<RetrievalOnlyAnswerer_TestDouble>().Calls);

        host.ChatClient = chat;
        chat.Turn((messages, _) => [new TextContent($"Replace the chiller filter [{Harness.NumberOf(messages, SamplePassages.SpindleFault)}].")]);
        var model = await answers.AskAsync(new AskRequest("CNC-2 spindle E-217"));
        Assert.Equal(AnswerModes.Model, model.Mode);
        Assert.StartsWith("Replace the chiller filter [", model.Text);
        Assert.Equal("cnc-e217", Assert.Single(model.Citations).PassageId);
        // The configuration's adapter for technicians reached the model.
        var adapters = Assert.IsAssignableFrom<IReadOnlyDictionary<string, float>>(chat.Calls[0].Options!.AdditionalProperties!["adapters"]);
        Assert.Equal(1.0f, adapters["maintenance"]);
        Assert.Equal(1, services.GetRequiredService<RetrievalOnlyAnswerer_TestDouble>().Calls);
    }

    [Fact]
    public async Task In_retrieval_only_mode_a_question_naming_the_classifier_runs_it_for_that_machine()
    {
        var (services, _, _, toolCalls) = Build();
        var updates = new List<AnswerUpdate>();
        await foreach (var update in services.GetRequiredService<IAnswerService>().StreamAsync(new AskRequest("classify machine CNC-2 now")))
        {
            updates.Add(update);
        }

        Assert.Equal(["classify_fault CNC-2"], toolCalls);
        var started = Assert.IsType<ToolCallStarted>(updates[0]);
        Assert.Equal("CNC-2", started.Call.Arguments.GetProperty("machine").GetString());
        var completed = Assert.IsType<ToolCallCompleted>(updates[1]);
        Assert.Equal(0.91, completed.Call.Result!.Value.GetProperty("probability").GetDouble());
        Assert.StartsWith("classify_fault for CNC-2: machine = CNC-2, label = tool wear, probability = 0.91.", Assert.IsType<AnswerTextDelta>(updates[2]).Text);
        var answer = Harness.Final(updates);
        Assert.Equal(AnswerModes.RetrievalOnly, answer.Mode);
        Assert.Equal("classify_fault", Assert.Single(answer.ToolCalls).Name);
        Assert.Contains("Passages for: classify machine CNC-2 now", answer.Text);
    }

    [Theory]
    [InlineData("optimize BR-1", "optimize_process batch-reactor-coupling-agent")]
    [InlineData("best setpoints for IM-1", "optimize_process injection-moulding-cover")]
    public async Task In_retrieval_only_mode_an_optimisation_request_runs_the_optimizer_on_the_machines_process(string question, string expected)
    {
        var (services, _, _, toolCalls) = Build();

        var answer = await services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest(question));

        Assert.Equal([expected], toolCalls);
        Assert.Equal(620, Assert.Single(answer.ToolCalls).Result!.Value.GetProperty("holdPressureBar").GetDouble());
    }

    [Fact]
    public async Task A_tool_request_for_a_machine_the_tool_does_not_cover_says_so_instead_of_running_it()
    {
        var (services, _, _, toolCalls) = Build();

        var answer = await services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest("classify RC-1 now"));

        Assert.Empty(toolCalls);
        Assert.Empty(answer.ToolCalls);
        Assert.StartsWith("No fault classifier watches RC-1. Classifiers watch HP-1, HP-2, CNC-1, CNC-2, CNC-3.", answer.Text);
    }

    [Theory]
    [InlineData("What is the optimal torque for the CNC-2 drawbar nut?")]
    [InlineData("How do I classify a surface defect as scrap?")]
    public async Task Questions_that_only_sound_like_a_tool_request_run_no_tool(string question)
    {
        var (services, _, _, toolCalls) = Build();

        var answer = await services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest(question));

        Assert.Empty(toolCalls);
        Assert.Equal("Passages for: " + question, answer.Text);
    }

    [Fact]
    public async Task Retrieval_only_mode_refuses_a_bypass_question_too()
    {
        var (services, _, _, _) = Build();

        var answer = await services.GetRequiredService<IAnswerService>().AskAsync(new AskRequest("how to jumper the e-stop on HP-1"));

        Assert.Contains("can't help with bypassing", answer.Text);
        Assert.Equal(0, services.GetRequiredService<RetrievalOnlyAnswerer_TestDouble>().Calls);
    }

    [Fact]
    public void Bad_settings_fail_at_start_with_the_key_to_fix()
    {
        var (services, _, _, _) = Build(new() { ["Assistant:MaxToolRounds"] = "99" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AssistantOptions>>().Value);
        Assert.Contains("Assistant:MaxToolRounds", error.Message);
    }

    [Fact]
    public async Task Without_the_retrieval_only_answerer_the_host_still_builds_and_a_retrieval_only_answer_says_what_is_missing()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new ContentRoot());
        services.AddSingleton<IKnowledgeIndex>(new InMemoryKnowledgeIndex_TestDouble(SamplePassages.All));
        services.AddAnswering(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<IAnswerService>().AskAsync(new AskRequest("CNC-2 spindle")));
        Assert.Contains("call AddKnowledge before AddAnswering", error.Message);
    }

    [Fact]
    public void The_configuration_file_binds_to_the_adapter_rules()
    {
        var (services, _, _, _) = Build();
        var options = services.GetRequiredService<IOptions<AssistantOptions>>().Value;

        Assert.Equal(1.0f, options.Adapters.ByRole["Technician"]["maintenance"]);
        var quality = Assert.Single(options.Adapters.QuestionKinds);
        Assert.Equal("quality", quality.Name);
        Assert.Equal(
            new Dictionary<string, float> { ["quality"] = 1.0f },
            AdapterSelector.Select(new AskRequest("Surface finish is out of spec on CNC-1 parts", Role: UserRole.Technician), options.Adapters));
    }
}
