using System.Globalization;
using Assistant.Tools.Processes;
using Assistant.Tools.Processes.ResponseSurfaces;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant fit-process</c>: the response surfaces' coefficients and fit statistics; <c>--write</c> stores them.</summary>
public sealed class FitProcessCommand : ICliCommand
{
    public string Name => "fit-process";

    public string Summary => "Show (and with --write store) the fit of the data-driven process models to their runs.";

    public string Usage => """
        [PROCESS] [--write]
          PROCESS   one data-driven model; default all of them
          --write   write NAME.fit.json next to each model file (commit it with the runs it was fitted to)
        """;

    public Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args, ["write"]);
        var catalog = context.Services.GetRequiredService<ProcessModelCatalog>();
        var models = line.Positional.Count > 0 ? [catalog.Get(line.Positional[0])] : catalog.Models;
        var o = context.Out;
        var inv = CultureInfo.InvariantCulture;
        var any = false;
        foreach (var model in models.OfType<ResponseSurfaceModel>())
        {
            any = true;
            var report = FitReport.Create(model);
            o.WriteLine($"{report.Process}: {report.Runs} runs from {report.RunsFile} (sha256 {report.RunsSha256[..12]}…)");
            foreach (var kpi in report.Kpis)
            {
                o.WriteLine(string.Create(inv, $"  {kpi.Kpi} [{kpi.Unit}]: R² {kpi.RSquared:0.####}, adjusted {kpi.AdjustedRSquared:0.####}, residual s.d. {kpi.ResidualStdDev:0.####}"));
                foreach (var term in kpi.Terms)
                {
                    var t = term.StandardError > 0 ? term.Coefficient / term.StandardError : double.NaN;
                    o.WriteLine(string.Create(inv, $"    {term.Term,-40} {term.Coefficient,12:0.#####} ± {term.StandardError,-10:0.#####} t {t,7:0.0}"));
                }
            }

            if (line.Has("write"))
            {
                var path = FitReport.PathFor(model.SourcePath);
                report.Write(path);
                o.WriteLine($"  wrote {path}");
            }
        }

        if (!any)
        {
            o.WriteLine("No data-driven (response-surface) process models loaded.");
        }

        return Task.FromResult(0);
    }
}
