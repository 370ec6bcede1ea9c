using System.Text.Json;
using Assistant.Core;
using Assistant.Core.Answering;
using Assistant.Core.Answering.Tools;
using Assistant.Core.Security;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assistant.Tools.Tests;

/// <summary>
/// The real classify_fault and optimize_process as the answer pipeline gets them: functions of the plant's kernel
/// plugin, run through the kernel's filters (as retrieval-only mode runs them).
/// </summary>
public sealed class PlantPluginTests : IDisposable
{
    private readonly ServiceProvider _services;

    public PlantPluginTests()
    {
        var root = AssistantPaths.FindContentRoot();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(root, "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Classifiers:Path"] = Path.Combine(root, "models", "classifiers"),
                ["Classifiers:ReadingsPath"] = Path.Combine(root, "knowledge", "readings", "latest.csv"),
                ["Processes:Path"] = Path.Combine(root, "models", "processes"),
                ["Assistant:PlantLayoutPath"] = Path.Combine(root, "knowledge", "plant.json"),
                ["Assistant:PromptsPath"] = Path.Combine(root, "prompts"),
            })
            .Build();
        var services = new ServiceCollection().AddLogging();
        // Each feature added twice, in either order: the plugin still holds each tool once.
        services.AddFaultClassifiers(configuration).AddProcessOptimizer(configuration).AddAnswering(configuration);
        services.AddProcessOptimizer(configuration).AddFaultClassifiers(configuration);
        _services = services.BuildServiceProvider();
    }

    private PlantTools Tools => _services.GetRequiredService<PlantTools>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Each_tool_is_a_described_function_of_the_plant_plugin()
    {
        var plugin = Tools.KernelFor(new ToolCallContext(new AskRequest("q"))).Plugins[PlantTools.PluginName];

        Assert.Equal(["classify_fault", "optimize_process"], plugin.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(plugin.Description));
        Assert.All(plugin, f => Assert.True(f.Description.Length > 40, $"{f.Name}: '{f.Description}'"));
        // The machine enum of the tool's own schema reaches the model (the grammar is made from it).
        Assert.Contains("CNC-2", plugin["classify_fault"].JsonSchema.GetProperty("properties").GetProperty("machine").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_direct_run_classifies_the_machine_with_its_onnx_model_and_returns_json()
    {
        var tools = Tools;
        var started = tools.Started("t1", "classify_fault", [KeyValuePair.Create<string, object?>("machine", "CNC-2")]);

        var record = await tools.RunAsync(tools.KernelFor(new ToolCallContext(new AskRequest("classify CNC-2"))), started, CancellationToken.None);

        Assert.Null(record.Error);
        Assert.Equal("milling-failure", record.Result!.Value.GetProperty("classifier").GetString());
        Assert.Equal("heat_dissipation", record.Result.Value.GetProperty("results")[0].GetProperty("topClass").GetString());
    }

    [Fact]
    public async Task A_direct_run_for_a_machine_of_another_line_is_refused_before_the_classifier_runs()
    {
        var tools = Tools;
        var started = tools.Started("t1", "classify_fault", [KeyValuePair.Create<string, object?>("machine", "CNC-2")]);
        var request = new AskRequest("classify CNC-2", Scope: AccessScope.ForLines(["PL1"]));

        var record = await tools.RunAsync(tools.KernelFor(new ToolCallContext(request)), started, CancellationToken.None);

        Assert.Null(record.Result);
        Assert.StartsWith("classify_fault was not run: machine CNC-2 is not on the lines you may see (PL1).", record.Error);
    }

    [Fact]
    public async Task The_optimizer_result_keeps_its_own_json_form()
    {
        var tools = Tools;
        var started = tools.Started("t1", "optimize_process", [KeyValuePair.Create<string, object?>("process", "batch-reactor-coupling-agent")]);

        var record = await tools.RunAsync(tools.KernelFor(new ToolCallContext(new AskRequest("optimise BR-1"))), started, CancellationToken.None);

        Assert.Null(record.Error);
        Assert.Equal(JsonValueKind.Object, record.Result!.Value.ValueKind);
        Assert.Equal("batch-reactor-coupling-agent", record.Result.Value.GetProperty("process").GetString());
    }
}
