using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Assistant.Tools.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.Cli.Commands;

/// <summary><c>assistant optimize</c>: the process optimizer from the shell, printed as the UI's table.</summary>
internal sealed class OptimizeCommand : Command
{
    private readonly CliContext _cli;
    private readonly Argument<string?> _process = new("process")
    {
        Description = "a model in models/processes (run without it to list them)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string?> _objective = new("--objective") { Description = "the objective to optimise (default: the model's first)", HelpName = "NAME" };

    private readonly Option<string?> _fix = new("--fix") { Description = "hold setpoints at these values (e.g. temperature=85)", HelpName = "VAR=VALUE,..." };

    private readonly Option<string?> _bounds = new("--bounds")
    {
        Description = "tighter limits; leave a side empty to keep the safe limit (e.g. temperature=:95)",
        HelpName = "VAR=MIN:MAX,...",
    };

    private readonly Option<string?> _limit = new("--limit") { Description = "extra KPI limits for this run (e.g. cycle_time<=30)", HelpName = "KPI<=MAX,KPI>=MIN,..." };

    private readonly Option<bool> _withinData = new("--within-data") { Description = "keep a data-driven model's optimum inside its logged runs" };

    private readonly Option<int?> _seed = new("--seed") { Description = "the solver's random seed (default: Processes:Seed)", HelpName = "N", CustomParser = CliOptions.OptionalWholeNumber };

    private readonly Option<double?> _timeLimit = new("--time-limit")
    {
        Description = "stop the solver after this long (default: Processes:TimeLimitSeconds)",
        HelpName = "SECONDS",
        CustomParser = CliOptions.OptionalNumber,
    };

    private readonly Option<bool> _json = new("--json") { Description = "print the result as the tool returns it" };

    public OptimizeCommand(CliContext cli)
        : base("optimize", "Find the best setpoints of a process model inside its safe limits.")
    {
        _cli = cli;
        Arguments.Add(_process);
        Options.Add(_objective);
        Options.Add(_fix);
        Options.Add(_bounds);
        Options.Add(_limit);
        Options.Add(_withinData);
        Options.Add(_seed);
        Options.Add(_timeLimit);
        Options.Add(_json);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var context = _cli;
        var optimizer = context.Services.GetRequiredService<ProcessOptimizer>();
        if (parse.GetValue(_process) is not { } process)
        {
            ProcessesCommand.PrintCatalog(optimizer.Catalog, context.Out);
            return 0;
        }

        var request = new ProcessOptimizationRequest(
            process,
            parse.GetValue(_objective),
            ParseFixed(parse.GetValue(_fix)),
            ParseBounds(parse.GetValue(_bounds)),
            ParseLimits(parse.GetValue(_limit)),
            parse.GetValue(_withinData),
            parse.GetValue(_seed),
            parse.GetValue(_timeLimit) is { } seconds ? TimeSpan.FromSeconds(seconds) : null);

        ProcessOptimizationResult result;
        try
        {
            result = await optimizer.OptimizeAsync(request, cancellationToken);
        }
        catch (ProcessOptimizationException ex)
        {
            context.Error.WriteLine($"error ({ex.Error}): {ex.Message}");
            return 1;
        }

        if (parse.GetValue(_json))
        {
            context.Out.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(OptimizeProcessFunction.ResultJson) { WriteIndented = true }));
            return 0;
        }

        Print(result, context.Out);
        return 0;
    }

    public static void Print(ProcessOptimizationResult r, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"{r.Title}");
        o.WriteLine(string.Create(inv, $"Objective: {r.Objective.Sense.ToString().ToLowerInvariant()} {r.Objective.Name} ({r.Objective.Description})"));
        o.WriteLine(string.Create(inv, $"  current {r.Objective.AtCurrent:0.###} -> optimum {r.Objective.AtOptimum:0.###} {r.Objective.Unit}  (better by {r.Objective.Improvement:0.###})"));
        o.WriteLine();
        o.WriteLine($"{"setpoint",-20} {"unit",-8} {"current",10} {"optimal",10} {"bounds",-17} {"status",-26} {"d objective / d x",18}");
        foreach (var s in r.Setpoints)
        {
            o.WriteLine(string.Create(inv, $"{s.Variable,-20} {s.Unit,-8} {s.Current,10:0.###} {s.Optimal,10:0.###} {$"{s.Lower:0.##}–{s.Upper:0.##}",-17} {s.Status,-26} {Math.Round(s.Sensitivity, 4) + 0.0,18:0.####}"));
        }

        o.WriteLine();
        o.WriteLine($"{"KPI",-20} {"unit",-10} {"current",10} {"optimum",10} {"± s.e.",8}");
        foreach (var k in r.Kpis)
        {
            o.WriteLine(string.Create(inv, $"{k.Kpi,-20} {k.Unit,-10} {k.AtCurrent,10:0.###} {k.AtOptimum,10:0.###} {(k.StandardError is { } se ? se.ToString("0.###", inv) : ""),8}"));
        }

        if (r.Constraints.Count > 0)
        {
            o.WriteLine();
            foreach (var c in r.Constraints)
            {
                var limit = string.Create(inv, $"{(c.Min is { } min ? $"{min:0.###} ≤ " : "")}{c.Kpi}{(c.Max is { } max ? $" ≤ {max:0.###}" : "")} {c.Unit}");
                o.WriteLine(string.Create(inv, $"limit ({c.Source}) {limit}: at optimum {c.AtOptimum:0.###}{(c.Active ? " (active)" : "")}{(c.ShadowPrice is { } price ? $", relaxing it by 1 {c.Unit} gains {price:0.###} {r.Objective.Unit}" : "")}, today {c.AtCurrent:0.###}{(c.MetAtCurrent ? "" : " (broken today)")}"));
            }
        }

        foreach (var f in r.Fits)
        {
            o.WriteLine(string.Create(inv, $"fit {f.Kpi}: R² {f.RSquared:0.###} (adjusted {f.AdjustedRSquared:0.###}), residual s.d. {f.ResidualStdDev:0.###} {f.Unit}, {f.Runs} runs, {f.Terms} terms"));
        }

        if (r.DataSupport is { } d)
        {
            o.WriteLine(string.Create(inv, $"data support: {(d.Extrapolated ? "EXTRAPOLATED" : "inside the runs")}; leverage {d.Leverage:0.###} (largest run {d.MaxRunLeverage:0.###}); nearest run {d.NearestRun} at {d.NearestRunDistance:0.###} coded units"));
        }

        o.WriteLine(string.Create(inv, $"solver: {r.Solver.Starts} starts, {r.Solver.Evaluations} model evaluations, {r.Solver.ElapsedMilliseconds:0} ms, seed {r.Solver.Seed}"));
        foreach (var note in r.Notes)
        {
            o.WriteLine($"note: {note}");
        }
    }

    private static Dictionary<string, double>? ParseFixed(string? text) =>
        text is null ? null : Pairs(text, "--fix").ToDictionary(p => p.Key, p => Number(p.Value, $"--fix {p.Key}"), StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, VariableBounds>? ParseBounds(string? text) =>
        text is null
            ? null
            : Pairs(text, "--bounds").ToDictionary(
                p => p.Key,
                p =>
                {
                    var parts = p.Value.Split(':');
                    if (parts.Length != 2)
                    {
                        throw new UsageException($"--bounds {p.Key}={p.Value}: write MIN:MAX, leaving a side empty to keep the safe limit.");
                    }

                    return new VariableBounds(
                        parts[0].Length > 0 ? Number(parts[0], $"--bounds {p.Key}") : null,
                        parts[1].Length > 0 ? Number(parts[1], $"--bounds {p.Key}") : null);
                },
                StringComparer.OrdinalIgnoreCase);

    private static List<KpiLimit>? ParseLimits(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var limits = new List<KpiLimit>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var max = item.IndexOf("<=", StringComparison.Ordinal);
            var min = item.IndexOf(">=", StringComparison.Ordinal);
            if (max > 0)
            {
                limits.Add(new KpiLimit(item[..max].Trim(), Max: Number(item[(max + 2)..], $"--limit {item}")));
            }
            else if (min > 0)
            {
                limits.Add(new KpiLimit(item[..min].Trim(), Min: Number(item[(min + 2)..], $"--limit {item}")));
            }
            else
            {
                throw new UsageException($"--limit {item}: write KPI<=MAX or KPI>=MIN.");
            }
        }

        return limits;
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            return eq > 0
                ? new KeyValuePair<string, string>(item[..eq].Trim(), item[(eq + 1)..].Trim())
                : throw new UsageException($"{option} {item}: write NAME=VALUE.");
        });

    private static double Number(string text, string where) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{where}: '{text}' is not a number.");
}
