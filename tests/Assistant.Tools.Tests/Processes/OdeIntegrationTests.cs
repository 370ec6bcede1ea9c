using Xunit;
using Assistant.Tools.Processes;
using Assistant.Tools.Processes.Kinetics;

namespace Assistant.Tools.Tests.Processes;

public sealed class OdeIntegrationTests
{
    [Fact]
    public void Second_order_reaction_with_unequal_charges_matches_its_closed_form()
    {
        // A + B -> C, rate k[A][B], B0 != A0: A(t) = A0 (B0 - A0) / (B0 e^{(B0 - A0) k t} - A0).
        const double a0 = 2.0, b0 = 2.6, k = 0.7;
        var network = new ReactionNetwork(
            ["A", "B", "C"],
            [new ReactionSpec("r", k, 0, new Dictionary<string, double> { ["A"] = 1, ["B"] = 1 }, new Dictionary<string, double> { ["A"] = -1, ["B"] = -1, ["C"] = 1 })]);
        var rates = network.RateConstants(350);
        double[] times = [0.1, 0.5, 1, 2, 4, 8];
        var y = new double[] { a0, b0, 0 };
        var worst = 0.0;
        new DormandPrinceIntegrator(1e-10, 1e-13).Integrate(
            (_, c, dc) => network.Derivatives(rates, c, dc), y, 0, times,
            (i, c) =>
            {
                var t = times[i];
                var exact = a0 * (b0 - a0) / (b0 * Math.Exp((b0 - a0) * k * t) - a0);
                worst = Math.Max(worst, Math.Abs(c[0] - exact) / exact);
                Assert.Equal(a0 - c[0], c[2], 12); // mass balance: every A lost became C
            });

        Assert.True(worst < 1e-8, $"largest relative error {worst:E2}");
    }

    [Fact]
    public void Consecutive_first_order_reactions_match_the_Bateman_solution()
    {
        // A -> B -> C with k1 != k2: B(t) = A0 k1 / (k2 - k1) (e^{-k1 t} - e^{-k2 t}).
        const double a0 = 1.5, k1 = 1.3, k2 = 0.4;
        var network = new ReactionNetwork(
            ["A", "B", "C"],
            [
                new ReactionSpec("a-b", k1, 0, new Dictionary<string, double> { ["A"] = 1 }, new Dictionary<string, double> { ["A"] = -1, ["B"] = 1 }),
                new ReactionSpec("b-c", k2, 0, new Dictionary<string, double> { ["B"] = 1 }, new Dictionary<string, double> { ["B"] = -1, ["C"] = 1 }),
            ]);
        var rates = network.RateConstants(300);
        var y = new double[] { a0, 0, 0 };
        var stats = new DormandPrinceIntegrator(1e-10, 1e-13).Integrate((_, c, dc) => network.Derivatives(rates, c, dc), y, 0, 6.0);

        var exactB = a0 * k1 / (k2 - k1) * (Math.Exp(-k1 * 6) - Math.Exp(-k2 * 6));
        Assert.Equal(a0 * Math.Exp(-k1 * 6), y[0], 9);
        Assert.Equal(exactB, y[1], 9);
        Assert.True(stats.AcceptedSteps < 2000, $"{stats.AcceptedSteps} steps: the step size is not adapting");
    }

    [Fact]
    public void Batch_reactor_model_yield_follows_Arrhenius_and_the_closed_form()
    {
        // One reaction through the whole model path: file-shaped definition, °C, hours, feed ratio, yield in %.
        const double k0 = 4.0e6, ea = 50_000, a0 = 1.5, ratio = 1.4, celsius = 75, hours = 2.5;
        var definition = new ProcessDefinition(
            "single", "single", "one reaction", ProcessDefinition.BatchReactorType,
            [
                new ProcessVariable("temperature", "", "°C", 50, 100, celsius),
                new ProcessVariable("batch_time", "", "h", 0.5, 6, hours),
                new ProcessVariable("feed_ratio", "", "mol/mol", 1, 2, ratio),
            ],
            [new ProcessKpi("yield", "", "%")],
            [new ProcessObjective("yield", "", ObjectiveSense.Maximize, Kpi: "yield")],
            Reactor: new BatchReactorSpec(
                1, ["A", "B", "C", "D"], new Dictionary<string, double> { ["A"] = a0 }, "A", "B", "C", "D",
                "temperature", "batch_time", "feed_ratio",
                [new ReactionSpec("r", k0, ea, new Dictionary<string, double> { ["A"] = 1, ["B"] = 1 }, new Dictionary<string, double> { ["A"] = -1, ["B"] = -1, ["C"] = 1 })]));
        var model = ProcessModelCatalog.Build(definition, "single.json");

        var k = k0 * Math.Exp(-ea / (ReactionNetwork.GasConstant * (celsius + 273.15)));
        var b0 = ratio * a0;
        var a = a0 * (b0 - a0) / (b0 * Math.Exp((b0 - a0) * k * hours) - a0);
        var expectedYield = 100 * (a0 - a) / a0;

        Assert.Equal(expectedYield, model.Evaluate([celsius, hours, ratio])[0], 6);
    }
}
