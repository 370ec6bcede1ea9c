using Assistant.Tools.Classifiers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Assistant.MicroBenchmarks;

/// <summary>One Run of a shipped classifier on one row of the latest readings: the ONNX part of classify_fault.</summary>
[MemoryDiagnoser]
public class FaultClassifierBenchmarks
{
    private ServiceProvider? _services;
    private FaultClassifier? _classifier;
    private IReadOnlyList<float[]> _row = [];

    [Params("milling-failure", "hydraulic-condition")]
    public string Classifier { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _services = SamplePlant.Services();
        var service = SamplePlant.Classifiers(_services);
        var snapshot = _services.GetRequiredService<ReadingsSnapshot>();
        var plant = _services.GetRequiredService<Assistant.Core.Plant.PlantLayout>();
        _classifier = service.Registry.Get(Classifier);
        var machine = plant.Machines.First(m => m.Classifier == Classifier && snapshot.Latest(m.Id) is not null);
        _row = [_classifier.PrepareRow(snapshot.Latest(machine.Id)!.Readings).Row];
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark]
    public int OneRow() => _classifier!.Run(_row, explain: false).Count;

    [Benchmark]
    public int OneRowWithContributions() => _classifier!.Run(_row, explain: true).Count;
}
