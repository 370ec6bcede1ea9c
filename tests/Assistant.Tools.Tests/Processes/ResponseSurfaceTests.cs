using System.Globalization;
using Assistant.Tools.Processes;
using Assistant.Tools.Processes.ResponseSurfaces;
using Xunit;

namespace Assistant.Tools.Tests.Processes;

public sealed class ResponseSurfaceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("process-rs-").FullName;

    // Known surface in coded units (x = (v - centre) / half-range) over three variables; terms in the basis's
    // order: 1, x1..x3, x1²..x3², x1x2, x1x3, x2x3.
    private static readonly double[] KnownCoefficients = [4.0, 0.8, -1.2, 0.3, 1.5, 0.6, -0.4, 0.5, -0.25, 0.15];
    private static readonly (double Centre, double Half)[] Coding = [(200, 20), (50, 10), (3, 1)];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Fit_recovers_known_coefficients_from_runs_made_from_them()
    {
        const double noise = 0.05;
        var model = WriteAndLoad(runs: 120, noise, seed: 11);
        var fit = model.Fit;

        Assert.Equal(10, fit.Basis.TermCount);
        for (var i = 0; i < KnownCoefficients.Length; i++)
        {
            // With 120 runs spread over the coded cube, each coefficient's standard error is about noise / 4.
            Assert.True(Math.Abs(fit.Coefficients[0][i] - KnownCoefficients[i]) < 0.05,
                $"{fit.Basis.TermNames[i]}: fitted {fit.Coefficients[0][i]:F4}, known {KnownCoefficients[i]}");
            // The reported standard errors must be honest: the known value within four of them.
            Assert.True(Math.Abs(fit.Coefficients[0][i] - KnownCoefficients[i]) < 4 * fit.StandardErrors[0][i],
                $"{fit.Basis.TermNames[i]}: off by {Math.Abs(fit.Coefficients[0][i] - KnownCoefficients[i]):F4}, standard error {fit.StandardErrors[0][i]:F4}");
        }

        var stats = fit.Statistics[0];
        Assert.InRange(stats.ResidualStdDev, noise * 0.8, noise * 1.2);
        Assert.True(stats.RSquared > 0.99, $"R² {stats.RSquared}");
        Assert.Equal(120, stats.Runs);
    }

    [Fact]
    public void Noisier_runs_give_a_lower_R_squared_and_a_wider_residual_spread()
    {
        var clean = WriteAndLoad(runs: 80, noise: 0.05, seed: 3).Fits[0];
        var noisy = WriteAndLoad(runs: 80, noise: 1.0, seed: 3).Fits[0];

        Assert.True(noisy.RSquared < clean.RSquared - 0.1, $"noisy R² {noisy.RSquared}, clean {clean.RSquared}");
        Assert.InRange(noisy.ResidualStdDev, 0.8, 1.2);
    }

    [Fact]
    public void Too_few_runs_for_a_quadratic_is_a_clear_load_error()
    {
        var error = Assert.Throws<InvalidDataException>(() => WriteAndLoad(runs: 8, noise: 0.05, seed: 1));
        Assert.Contains("needs more than 10 runs", error.Message);
    }

    [Fact]
    public void Moulding_history_fits_with_its_statistics_shown_in_every_result()
    {
        var model = (ResponseSurfaceModel)ProcessTestData.Catalog.Get("injection-moulding-cover");
        var scrap = model.Fits.Single(f => f.Kpi == "scrap_rate");
        var cycle = model.Fits.Single(f => f.Kpi == "cycle_time");
        Assert.InRange(model.Runs.Count, 60, 150);
        Assert.True(scrap.RSquared > 0.8 && cycle.RSquared > 0.95, $"scrap R² {scrap.RSquared}, cycle R² {cycle.RSquared}");

        var result = ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest("injection-moulding-cover", "scrap_rate"));
        Assert.Equal(model.Fits, result.Fits);
        Assert.NotNull(result.DataSupport);
        Assert.All(result.Kpis, k => Assert.True(k.StandardError > 0));
    }

    [Fact]
    public void Committed_fit_report_matches_a_fresh_fit_of_the_committed_runs()
    {
        var model = (ResponseSurfaceModel)ProcessTestData.Catalog.Get("injection-moulding-cover");
        var stored = FitReport.Read(FitReport.PathFor(model.SourcePath));
        var fresh = FitReport.Create(model);
        const string fix = "run 'assistant fit-process --write' and commit the report with the runs";

        Assert.True(stored is not null, $"no fit report next to {model.SourcePath}: {fix}");
        Assert.True(stored.RunsSha256 == fresh.RunsSha256, $"the runs changed since the report was written: {fix}");
        Assert.Equal(fresh.Runs, stored.Runs);
        foreach (var (s, f) in stored.Kpis.Zip(fresh.Kpis))
        {
            Assert.Equal(f.Kpi, s.Kpi);
            Assert.Equal(f.RSquared, s.RSquared, 4);
            Assert.Equal(f.ResidualStdDev, s.ResidualStdDev, 4);
            Assert.Equal(f.Terms.Select(t => t.Term), s.Terms.Select(t => t.Term));
            Assert.All(f.Terms.Zip(s.Terms), p => Assert.Equal(p.First.Coefficient, p.Second.Coefficient, 4));
        }
    }

    [Fact]
    public void Setpoints_beyond_the_runs_are_flagged_as_extrapolation_and_logged_runs_are_not()
    {
        var model = (ResponseSurfaceModel)ProcessTestData.Catalog.Get("injection-moulding-cover");
        var inside = model.DescribeDataSupport(model.Definition.Variables.Select(v => model.Runs.Column(v.Name)[0]).ToArray());
        Assert.False(inside.Extrapolated, string.Join("; ", inside.Reasons));
        Assert.Equal(model.Runs.RunIds[0], inside.NearestRun);

        // Cooling far beyond anything logged (and beyond the safe limits, which data support does not judge).
        var outside = model.DescribeDataSupport([285, 1100, 6, 34]);
        Assert.True(outside.Extrapolated);
        Assert.Contains(outside.Reasons, r => r.StartsWith("cooling_time", StringComparison.Ordinal));

        // Inside the safe limits, the cheapest setpoints combine the variables as no logged run did.
        var result = ProcessTestData.Optimizer().Optimize(new ProcessOptimizationRequest("injection-moulding-cover", "cost"));
        Assert.True(result.DataSupport!.Extrapolated);
        Assert.Contains(result.Notes, n => n.StartsWith("Extrapolation", StringComparison.Ordinal));
    }

    [Fact]
    public void Within_data_keeps_the_optimum_inside_the_runs_at_a_price_the_result_shows()
    {
        var optimizer = ProcessTestData.Optimizer();
        var free = optimizer.Optimize(new ProcessOptimizationRequest("injection-moulding-cover", "cost"));
        var confined = optimizer.Optimize(new ProcessOptimizationRequest("injection-moulding-cover", "cost", WithinData: true));

        // The history's cheapest-looking setpoints lie beyond the runs (shorter cooling than ever logged).
        Assert.True(free.DataSupport!.Extrapolated);
        Assert.False(confined.DataSupport!.Extrapolated, string.Join("; ", confined.DataSupport.Reasons));
        Assert.True(confined.Objective.AtOptimum >= free.Objective.AtOptimum - 1e-6, "staying inside the data cannot beat the unconfined optimum");
    }

    private ResponseSurfaceModel WriteAndLoad(int runs, double noise, int seed)
    {
        var random = new Random(seed);
        var csv = new List<string> { "run,speed,feed,depth,roughness" };
        for (var r = 0; r < runs; r++)
        {
            // Two runs on opposite corners make the data's range, which the fit codes by, equal to the coding
            // the known coefficients are written in.
            var coded = r switch
            {
                0 => [-1.0, -1.0, -1.0],
                1 => [1.0, 1.0, 1.0],
                _ => Enumerable.Range(0, 3).Select(_ => random.NextDouble() * 2 - 1).ToArray(),
            };
            double[] terms = [1, coded[0], coded[1], coded[2], coded[0] * coded[0], coded[1] * coded[1], coded[2] * coded[2], coded[0] * coded[1], coded[0] * coded[2], coded[1] * coded[2]];
            var y = terms.Select((t, i) => t * KnownCoefficients[i]).Sum() + noise * Gaussian(random);
            var natural = coded.Select((c, i) => Coding[i].Centre + c * Coding[i].Half).ToArray();
            csv.Add(string.Create(CultureInfo.InvariantCulture, $"R{r},{natural[0]:R},{natural[1]:R},{natural[2]:R},{y:R}"));
        }

        var name = $"synthetic-{runs}-{noise.ToString(CultureInfo.InvariantCulture)}-{seed}";
        File.WriteAllLines(Path.Combine(_folder, $"{name}.runs.csv"), csv);
        File.WriteAllText(Path.Combine(_folder, $"{name}.json"), $$"""
            {
              "name": "{{name}}", "title": "synthetic", "description": "made from known coefficients", "type": "response-surface",
              "variables": [
                { "name": "speed", "description": "", "unit": "m/min", "safeMin": 150, "safeMax": 250, "current": 200 },
                { "name": "feed", "description": "", "unit": "mm/min", "safeMin": 30, "safeMax": 70, "current": 50 },
                { "name": "depth", "description": "", "unit": "mm", "safeMin": 1, "safeMax": 5, "current": 3 }
              ],
              "kpis": [ { "name": "roughness", "description": "", "unit": "µm" } ],
              "objectives": [ { "name": "roughness", "description": "", "sense": "minimize", "kpi": "roughness" } ],
              "responseSurface": { "runs": "{{name}}.runs.csv" }
            }
            """);
        return (ResponseSurfaceModel)ProcessModelCatalog.LoadModel(Path.Combine(_folder, $"{name}.json"));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
