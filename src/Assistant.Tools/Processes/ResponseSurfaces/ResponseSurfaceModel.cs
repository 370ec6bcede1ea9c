namespace Assistant.Tools.Processes.ResponseSurfaces;

/// <summary>
/// Data-driven process model: every KPI is a quadratic response surface fitted by least squares to the process's
/// production runs when the model is loaded, so the fit always matches the data file committed next to it.
/// </summary>
public sealed class ResponseSurfaceModel : ProcessModel
{
    private readonly double[] _dataMin;
    private readonly double[] _dataMax;
    private readonly double[][] _codedRuns;
    private readonly double _maxRunLeverage;

    public ResponseSurfaceModel(ProcessDefinition definition, string sourcePath, ProductionRunHistory runs)
        : base(definition, sourcePath)
    {
        Runs = runs;
        var variables = definition.Variables.Select(v => v.Name).ToArray();
        var inputs = Enumerable.Range(0, runs.Count)
            .Select(r => variables.Select(v => runs.Column(v)[r]).ToArray())
            .ToList();
        _dataMin = variables.Select(v => runs.Column(v).Min()).ToArray();
        _dataMax = variables.Select(v => runs.Column(v).Max()).ToArray();
        var basis = QuadraticBasis.FromRange(variables, _dataMin, _dataMax);
        Fit = ResponseSurfaceFit.Fit(
            basis,
            inputs,
            definition.Kpis.Select(k => (k.Name, k.Unit, runs.Column(k.Name))).ToList());
        _codedRuns = inputs.Select(x =>
        {
            var coded = new double[x.Length];
            basis.Code(x, coded);
            return coded;
        }).ToArray();
        _maxRunLeverage = Fit.RunLeverages.Max();
    }

    public ProductionRunHistory Runs { get; }

    public ResponseSurfaceFit Fit { get; }

    public override IReadOnlyList<FitStatistics> Fits => Fit.Statistics;

    /// <summary>Smallest and largest value of each variable in the runs, in variable order.</summary>
    public override IReadOnlyList<(double Min, double Max)> DataRange => _dataMin.Zip(_dataMax).ToArray();

    public override double? RelativeLeverage(ReadOnlySpan<double> setpoints) => Fit.Leverage(setpoints) / _maxRunLeverage;

    public override void Evaluate(ReadOnlySpan<double> setpoints, Span<double> kpis)
    {
        for (var k = 0; k < kpis.Length; k++)
        {
            kpis[k] = Fit.Predict(k, setpoints);
        }
    }

    public override double? PredictionStandardError(int kpi, ReadOnlySpan<double> setpoints) =>
        Fit.PredictionStandardError(kpi, setpoints);

    public override DataSupport DescribeDataSupport(ReadOnlySpan<double> setpoints)
    {
        var outside = new List<string>();
        for (var i = 0; i < setpoints.Length; i++)
        {
            // Half a percent of the data's span keeps a rounding at the edge from reading as extrapolation.
            var slack = 0.005 * (_dataMax[i] - _dataMin[i]);
            if (setpoints[i] < _dataMin[i] - slack || setpoints[i] > _dataMax[i] + slack)
            {
                var v = Definition.Variables[i];
                outside.Add($"{v.Name} {setpoints[i]:0.###} {v.Unit} is outside the runs' {_dataMin[i]:0.###}–{_dataMax[i]:0.###} {v.Unit}");
            }
        }

        Span<double> coded = stackalloc double[setpoints.Length];
        Fit.Basis.Code(setpoints, coded);
        var nearest = 0;
        var nearestDistance = double.MaxValue;
        for (var r = 0; r < _codedRuns.Length; r++)
        {
            var d = 0.0;
            for (var i = 0; i < coded.Length; i++)
            {
                var diff = coded[i] - _codedRuns[r][i];
                d += diff * diff;
            }

            if (d < nearestDistance)
            {
                nearestDistance = d;
                nearest = r;
            }
        }

        var leverage = Fit.Leverage(setpoints);
        // Inside every variable's range but in an empty corner of the design is still extrapolation for a
        // quadratic ("hidden extrapolation"); the runs' own largest leverage is the usual yardstick.
        var hidden = leverage > _maxRunLeverage * 1.0001;
        if (hidden && outside.Count == 0)
        {
            outside.Add($"the combination of setpoints lies outside the cloud of runs (leverage {leverage:0.###} > largest run leverage {_maxRunLeverage:0.###})");
        }

        return new DataSupport(
            Runs.Count,
            outside.Count > 0,
            outside,
            leverage,
            _maxRunLeverage,
            Runs.RunIds[nearest],
            Math.Sqrt(nearestDistance));
    }
}
