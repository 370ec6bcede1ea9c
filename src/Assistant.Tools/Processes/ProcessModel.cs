using Assistant.Tools.Processes.ResponseSurfaces;

namespace Assistant.Tools.Processes;

/// <summary>
/// A loaded process model: predicts every KPI of <see cref="Definition"/> for a vector of setpoints (in the
/// order and units of <see cref="ProcessDefinition.Variables"/>). Implementations are thread-safe: the web UI and
/// the tool may optimise the same process at once.
/// </summary>
public abstract class ProcessModel(ProcessDefinition definition, string sourcePath)
{
    public ProcessDefinition Definition { get; } = definition;

    public string Name => Definition.Name;

    /// <summary>The model file it was loaded from.</summary>
    public string SourcePath { get; } = sourcePath;

    /// <summary>Writes the KPIs, in <see cref="ProcessDefinition.Kpis"/> order, for these setpoints.</summary>
    public abstract void Evaluate(ReadOnlySpan<double> setpoints, Span<double> kpis);

    /// <summary>How well the model's data supports a prediction at these setpoints; null for first-principles models.</summary>
    public virtual DataSupport? DescribeDataSupport(ReadOnlySpan<double> setpoints) => null;

    /// <summary>The model's fit to its data; empty for first-principles models.</summary>
    public virtual IReadOnlyList<FitStatistics> Fits => [];

    /// <summary>Standard error of each KPI's prediction at these setpoints, where the model knows it.</summary>
    public virtual double? PredictionStandardError(int kpi, ReadOnlySpan<double> setpoints) => null;

    /// <summary>Smallest and largest value of each variable in the model's data; null for first-principles models.</summary>
    public virtual IReadOnlyList<(double Min, double Max)>? DataRange => null;

    /// <summary>Leverage of these setpoints over the largest leverage among the runs: above 1 is hidden extrapolation.</summary>
    public virtual double? RelativeLeverage(ReadOnlySpan<double> setpoints) => null;

    public double[] Evaluate(ReadOnlySpan<double> setpoints)
    {
        var kpis = new double[Definition.Kpis.Count];
        Evaluate(setpoints, kpis);
        return kpis;
    }
}
