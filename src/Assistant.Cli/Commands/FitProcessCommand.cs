using System.CommandLine;
using System.Globalization;
using Assistant.Tools.Processes;
using Assistant.Tools.Processes.ResponseSurfaces;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant fit-process</c>: the response surfaces' coefficients and fit statistics; <c>--write</c> stores them.</summary>
internal sealed class FitProcessCommand : Command
{
    private readonly CliContext _cli;
    private readonly Argument<string?> _process = new("process")
    {
        Description = "one data-driven model; default all of them",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<bool> _write = new("--write")
    {
        Description = "write NAME.fit.json next to each model file (commit it with the runs it was fitted to)",
    };

    public FitProcessCommand(CliContext cli)
        : base("fit-process", "Show (and with --write store) the fit of the data-driven process models to their runs.")
    {
        _cli = cli;
        Arguments.Add(_process);
        Options.Add(_write);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var context = _cli;
        var catalog = context.Services.GetRequiredService<ProcessModelCatalog>();
        var models = parse.GetValue(_process) is { } process ? [catalog.Get(process)] : catalog.Models;
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

            if (parse.GetValue(_write))
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

        return 0;
    }
}
