using System.Security.Cryptography;
using System.Text.Json;

namespace Assistant.Tools.Processes.ResponseSurfaces;

/// <summary>
/// The fit of a data-driven process model as a committed file (<c>NAME.fit.json</c> next to the model): reviewers
/// see in a diff how new runs moved the coefficients and the fit statistics. The runtime always refits from the
/// runs; a test keeps the committed report equal to that fit (rewrite it with <c>assistant fit-process --write</c>).
/// </summary>
public sealed record FitReport(
    string Process,
    string RunsFile,
    string RunsSha256,
    int Runs,
    IReadOnlyList<FitCoding> Coding,
    IReadOnlyList<KpiFit> Kpis)
{
    public const string Suffix = ".fit.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathFor(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(modelPath) ?? ".", Path.GetFileNameWithoutExtension(modelPath) + Suffix);

    public static FitReport Create(ResponseSurfaceModel model)
    {
        var fit = model.Fit;
        var basis = fit.Basis;
        return new FitReport(
            model.Name,
            Path.GetFileName(model.Runs.Path),
            Sha256(model.Runs.Path),
            model.Runs.Count,
            basis.Variables.Select((v, i) => new FitCoding(v, Round(basis.Center[i]), Round(basis.HalfRange[i]))).ToList(),
            fit.Statistics.Select((s, k) => new KpiFit(
                s.Kpi,
                s.Unit,
                Round(s.RSquared),
                Round(s.AdjustedRSquared),
                Round(s.ResidualStdDev),
                basis.TermNames.Select((t, i) => new TermFit(t, Round(fit.Coefficients[k][i]), Round(fit.StandardErrors[k][i]))).ToList()))
                .ToList());
    }

    public static FitReport? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<FitReport>(File.ReadAllText(path), Json) : null;

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    // Six significant digits: enough to review, few enough that a refit on the same runs gives the same file.
    private static double Round(double value) =>
        value == 0 || !double.IsFinite(value) ? value : Math.Round(value, Math.Max(0, 5 - (int)Math.Floor(Math.Log10(Math.Abs(value)))));
}

/// <summary>Coded x = (value − Centre) / HalfRange: the data's range maps onto [−1, 1].</summary>
public sealed record FitCoding(string Variable, double Centre, double HalfRange);

public sealed record KpiFit(string Kpi, string Unit, double RSquared, double AdjustedRSquared, double ResidualStdDev, IReadOnlyList<TermFit> Terms);

public sealed record TermFit(string Term, double Coefficient, double StandardError);
