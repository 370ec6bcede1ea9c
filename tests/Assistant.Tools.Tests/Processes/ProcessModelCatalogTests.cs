using Assistant.Tools.Processes;
using Microsoft.Extensions.Options;
using Xunit;

namespace Assistant.Tools.Tests.Processes;

public sealed class ProcessModelCatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("process-catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_new_process_is_a_dropped_file_and_a_broken_one_is_reported_without_taking_others_down()
    {
        // A different batch reactor (a parallel side reaction instead of a consecutive one), written only as data.
        var reactor = File.ReadAllText(Path.Combine(ProcessTestData.ModelsFolder, "batch-reactor-coupling-agent.json"))
            .Replace("\"batch-reactor-coupling-agent\"", "\"batch-reactor-trial\"", StringComparison.Ordinal)
            .Replace("\"orders\": { \"C\": 1, \"B\": 1 }, \"stoichiometry\": { \"C\": -1, \"B\": -1, \"D\": 1 }",
                     "\"orders\": { \"A\": 1, \"B\": 1 }, \"stoichiometry\": { \"A\": -1, \"B\": -1, \"D\": 1 }", StringComparison.Ordinal);
        Assert.Contains("\"A\": -1, \"B\": -1, \"D\": 1", reactor);
        File.WriteAllText(Path.Combine(_folder, "batch-reactor-trial.json"), reactor);
        File.WriteAllText(Path.Combine(_folder, "broken.json"), """
            { "name": "broken", "title": "t", "description": "d", "type": "batch-reactor",
              "variables": [ { "name": "temperature", "description": "", "unit": "°C", "safeMin": 80, "safeMax": 60, "current": 70 } ],
              "kpis": [ { "name": "yield", "description": "", "unit": "%" } ],
              "objectives": [ { "name": "yield", "description": "", "sense": "maximize", "kpi": "yield" } ] }
            """);

        var catalog = ProcessModelCatalog.LoadFolder(_folder);

        Assert.Equal(["batch-reactor-trial"], catalog.Names);
        var problem = Assert.Single(catalog.Problems);
        Assert.Contains("safeMin < safeMax", problem.Message);

        var optimizer = new ProcessOptimizer(catalog, Options.Create(new ProcessOptimizerOptions { Starts = 3 }));
        var result = optimizer.Optimize(new ProcessOptimizationRequest("batch-reactor-trial", "yield"));
        Assert.True(result.Objective.AtOptimum > result.Objective.AtCurrent);

        var error = Assert.Throws<ProcessOptimizationException>(() => optimizer.Optimize(new ProcessOptimizationRequest("broken")));
        Assert.Contains("broken.json", error.Message);
    }

    [Fact]
    public void A_reactor_file_asking_for_a_KPI_the_kinetics_cannot_compute_is_refused_by_name()
    {
        var text = File.ReadAllText(Path.Combine(ProcessTestData.ModelsFolder, "batch-reactor-coupling-agent.json"))
            .Replace("{ \"name\": \"conversion\"", "{ \"name\": \"colour\"", StringComparison.Ordinal);
        var path = Path.Combine(_folder, "colour.json");
        File.WriteAllText(path, text);

        var error = Assert.Throws<InvalidDataException>(() => ProcessModelCatalog.LoadModel(path));

        Assert.Contains("does not compute KPI 'colour'", error.Message);
    }
}
