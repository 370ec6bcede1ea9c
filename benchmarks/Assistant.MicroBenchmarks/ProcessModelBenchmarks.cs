using Assistant.Tools.Processes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.MicroBenchmarks;

/// <summary>One evaluation of a shipped process model at today's setpoints: the optimizer calls this thousands of times per solve.</summary>
public class ProcessModelBenchmarks
{
    private ServiceProvider? _services;
    private ProcessModel? _model;
    private double[] _setpoints = [];
    private double[] _kpis = [];

    [ParamsSource(nameof(ProcessNames))]
    public string Process { get; set; } = "";

    public static IEnumerable<string> ProcessNames()
    {
        using var services = SamplePlant.Services();
        return SamplePlant.Processes(services).Names;
    }

    [GlobalSetup]
    public void Setup()
    {
        _services = SamplePlant.Services();
        _model = SamplePlant.Processes(_services).Get(Process);
        _setpoints = _model.Definition.Variables.Select(v => v.Current).ToArray();
        _kpis = new double[_model.Definition.Kpis.Count];
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark]
    public double Evaluate()
    {
        _model!.Evaluate(_setpoints, _kpis);
        return _kpis[0];
    }
}
