using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Assistant.Core.Plant;
using Assistant.Tools.Classifiers;
using Microsoft.Extensions.AI;

namespace Assistant.Benchmarks.Classifiers;

/// <summary>What <see cref="ClassifierLatencyBenchmark"/> calls, and how often.</summary>
/// <param name="Tool">classify_fault as the model calls it</param>
/// <param name="Service">the classifiers behind the tool</param>
/// <param name="Snapshot">the latest readings, the rows one machine's call classifies</param>
/// <param name="Plant">which machine each classifier watches</param>
/// <param name="Iterations">timed calls per figure for one row; batches get a tenth of that (at least 5)</param>
/// <param name="Batch">rows per batch call</param>
public sealed record ClassifierLatencyOptions(
    ClassifyFaultFunction Tool, FaultClassificationService Service, ReadingsSnapshot Snapshot, PlantLayout Plant, int Iterations = 2000, int Batch = 1024);

/// <summary>
/// Per-call latency of classify_fault through the whole tool path, one row and batches of 1,024
/// (<c>assistant bench-classifier</c>).
/// </summary>
public static class ClassifierLatencyBenchmark
{
    public static async Task RunAsync(ClassifierLatencyOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Batch, 1);
        var (iterations, batchSize) = (options.Iterations, options.Batch);
        var (tool, service, snapshot, plant) = (options.Tool, options.Service, options.Snapshot, options.Plant);
        output.WriteLine($"ONNX Runtime {Assistant.Onnx.OnnxSessionFactory.RuntimeVersion} (CPU), {Environment.ProcessorCount} cores, {iterations} iterations");
        foreach (var problem in service.Registry.Problems)
        {
            output.WriteLine($"refused: {problem.Message}");
        }

        output.WriteLine($"{"path",-58} {"mean",10} {"p50",10} {"p95",10} {"p99",10}");
        foreach (var classifier in service.Registry.Classifiers.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var machine = plant.Machines.FirstOrDefault(m => m.Classifier == classifier.Name && snapshot.Latest(m.Id) is not null);
            if (machine is null)
            {
                output.WriteLine($"{classifier.Name}: no machine with readings in the snapshot; skipped.");
                continue;
            }

            var machineArgs = new AIFunctionArguments { ["machine"] = JsonSerializer.SerializeToElement(machine.Id) };
            await Measure($"{classifier.Name}: tool, machine id ({machine.Id}), JSON out", iterations, async () =>
            {
                var result = await tool.InvokeAsync(machineArgs, cancellationToken);
                _ = JsonSerializer.Serialize(result, tool.JsonSerializerOptions);
            });

            var readings = snapshot.Latest(machine.Id)!.Readings;
            var explicitArgs = new AIFunctionArguments
            {
                ["classifier"] = JsonSerializer.SerializeToElement(classifier.Name),
                ["readings"] = JsonSerializer.SerializeToElement(readings.Select(r => new { name = r.Name, value = r.Value, unit = r.Unit })),
            };
            await Measure($"{classifier.Name}: tool, {readings.Count} explicit readings, JSON out", iterations, async () =>
            {
                var result = await tool.InvokeAsync(explicitArgs, cancellationToken);
                _ = JsonSerializer.Serialize(result, tool.JsonSerializerOptions);
            });

            var random = new Random(1);
            var rows = Enumerable.Range(0, batchSize)
                .Select(_ => (IReadOnlyList<ReadingInput>)readings.Select(r => classifier.Manifest.Features.First(f => f.Name == r.Name).Categories is null
                    ? r with { Value = r.Value * (1 + (random.NextDouble() - 0.5) * 0.002) }
                    : r).ToArray())
                .ToArray();
            var batchIterations = Math.Max(5, iterations / 10);
            await Measure($"{classifier.Name}: batch of {batchSize}, with contributions", batchIterations, () =>
            {
                _ = service.ClassifyBatch(classifier.Name, rows, explain: true);
                return Task.CompletedTask;
            }, batchSize);
            await Measure($"{classifier.Name}: batch of {batchSize}, no contributions", batchIterations, () =>
            {
                _ = service.ClassifyBatch(classifier.Name, rows, explain: false);
                return Task.CompletedTask;
            }, batchSize);
        }

        async Task Measure(string label, int count, Func<Task> call, int rowsPerCall = 1)
        {
            for (var i = 0; i < Math.Max(10, count / 20); i++)
            {
                await call();
            }

            var times = new double[count];
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                await call();
                times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            Array.Sort(times);
            string F(double us) => us >= 10_000 ? $"{(us / 1000).ToString("F1", CultureInfo.InvariantCulture)} ms" : $"{us.ToString("F0", CultureInfo.InvariantCulture)} us";
            var mean = times.Average();
            output.WriteLine($"{label,-58} {F(mean),10} {F(times[count / 2]),10} {F(times[(int)(count * 0.95)]),10} {F(times[(int)(count * 0.99)]),10}" +
                (rowsPerCall > 1 ? $"   ({(mean / rowsPerCall).ToString("F1", CultureInfo.InvariantCulture)} us/row)" : ""));
        }
    }
}
