using System.CommandLine;
using System.Globalization;
using Assistant.Tools.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant processes</c>: the loaded process models, their setpoints, limits and fit statistics.</summary>
internal sealed class ProcessesCommand : Command
{
    public ProcessesCommand(CliContext cli)
        : base("processes", "List the process models: setpoints, safe limits, objectives, fit statistics.")
    {
        SetAction(_ =>
        {
            var catalog = cli.Services.GetRequiredService<ProcessModelCatalog>();
            PrintCatalog(catalog, cli.Out);
            return catalog.Problems.Count > 0 ? 1 : 0;
        });
    }

    public static void PrintCatalog(ProcessModelCatalog catalog, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var model in catalog.Models)
        {
            var d = model.Definition;
            o.WriteLine($"{d.Name} ({d.Type}): {d.Title}");
            foreach (var v in d.Variables)
            {
                o.WriteLine(string.Create(inv, $"  variable {v.Name,-20} {v.SafeMin,8:0.###} – {v.SafeMax,-8:0.###} {v.Unit,-8} current {v.Current:0.###}"));
            }

            foreach (var ob in d.Objectives)
            {
                o.WriteLine($"  objective {ob.Name}: {ob.Sense.ToString().ToLowerInvariant()}, {ob.Description}");
            }

            foreach (var c in d.Constraints ?? [])
            {
                o.WriteLine(string.Create(inv, $"  limit {c.Kpi} {(c.Min is { } min ? $"≥ {min} " : "")}{(c.Max is { } max ? $"≤ {max}" : "")}: {c.Description}"));
            }

            foreach (var f in model.Fits)
            {
                o.WriteLine(string.Create(inv, $"  fit {f.Kpi}: R² {f.RSquared:0.###} (adjusted {f.AdjustedRSquared:0.###}), residual s.d. {f.ResidualStdDev:0.###} {f.Unit}, {f.Runs} runs, {f.Terms} terms"));
            }
        }

        foreach (var p in catalog.Problems)
        {
            o.WriteLine($"NOT LOADED {p.Path}: {p.Message}");
        }
    }
}
