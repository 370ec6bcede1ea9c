using Assistant.Core.Plant;

namespace Assistant.Tools.Classifiers;

/// <summary>
/// Classifies a machine's state: from its latest readings (the snapshot), from readings given by the caller, or both
/// (given readings replace the snapshot's). What the classify_fault tool, the web UI and the REST API all call.
/// </summary>
public sealed class FaultClassificationService(FaultClassifierRegistry registry, ReadingsSnapshot snapshot, PlantLayout plant)
{
    public FaultClassifierRegistry Registry { get; } = registry;

    /// <param name="machine">A machine id from plant.json; picks the classifier and the snapshot readings.</param>
    /// <param name="classifier">The classifier to use when no machine is named (or to check the machine's).</param>
    /// <param name="readings">Readings to use; with a machine they replace the snapshot's values of the same name.</param>
    public FaultClassification Classify(string? machine, string? classifier, IReadOnlyList<ReadingInput>? readings, bool explain = true)
    {
        readings ??= [];
        string? readAtSource = null;
        DateTimeOffset? readAt = null;
        FaultClassifier model;
        if (!string.IsNullOrWhiteSpace(machine))
        {
            var found = plant.FindMachine(machine) ?? throw new ArgumentException(
                $"There is no machine '{machine}' in the plant layout. Machines with a fault classifier: {string.Join(", ", plant.Machines.Where(m => m.Classifier is not null).Select(m => m.Id))}.");
            if (found.Classifier is null)
            {
                throw new ArgumentException($"Machine {found.Id} ({found.Type}) has no fault classifier.");
            }

            if (!string.IsNullOrWhiteSpace(classifier) && !string.Equals(classifier, found.Classifier, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Machine {found.Id} is watched by '{found.Classifier}', not '{classifier}'.");
            }

            model = Registry.Get(found.Classifier);
            if (!model.Manifest.MachineTypes.Contains(found.Type, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Classifier {model.Name} is for {string.Join(", ", model.Manifest.MachineTypes)}, but {found.Id} is a {found.Type}.");
            }

            var latest = snapshot.Latest(found.Id);
            if (latest is null && readings.Count == 0)
            {
                throw new ArgumentException($"There are no readings for {found.Id} in {snapshot.Path}; give the readings explicitly.");
            }

            if (latest is not null)
            {
                var given = readings.Select(r => r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                readAtSource = given.Count == 0
                    ? $"latest readings ({Path.GetFileName(latest.Source)})"
                    : $"latest readings ({Path.GetFileName(latest.Source)}) with given values for {string.Join(", ", given)}";
                readings = latest.Readings.Where(r => !given.Contains(r.Name)).Concat(readings).ToArray();
                readAt = latest.ReadAt;
            }

            machine = found.Id;
        }
        else if (!string.IsNullOrWhiteSpace(classifier))
        {
            model = Registry.Get(classifier);
            if (readings.Count == 0)
            {
                throw new ArgumentException($"Give a machine id or the readings for {model.Name}: {string.Join(", ", model.Manifest.Features.Select(f => $"{f.Name} ({f.Unit})"))}.");
            }
        }
        else
        {
            throw new ArgumentException($"Name a machine (one of {string.Join(", ", plant.Machines.Where(m => m.Classifier is not null).Select(m => m.Id))}) or a classifier ({string.Join(", ", Registry.Classifiers.Select(c => c.Name))}) with readings.");
        }

        var (row, used) = model.PrepareRow(readings);
        var results = model.Run([row], explain)[0];
        return new FaultClassification(model.Name, model.Manifest.Version, machine, readAtSource ?? "given readings", readAt, used, results);
    }

    /// <summary>Many rows through one classifier in one model call (e.g. the ticketing system's backlog).</summary>
    public IReadOnlyList<FaultClassification> ClassifyBatch(string classifier, IReadOnlyList<IReadOnlyList<ReadingInput>> rows, bool explain = true)
    {
        var model = Registry.Get(classifier);
        var prepared = new List<(float[] Row, IReadOnlyList<UsedReading> Used)>(rows.Count);
        var problems = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                prepared.Add(model.PrepareRow(rows[i]));
            }
            catch (ReadingsProblemException ex)
            {
                problems.AddRange(ex.Problems.Select(p => $"row {i + 1}: {p}"));
            }
        }

        if (problems.Count > 0)
        {
            throw new ReadingsProblemException(model.Name, problems);
        }

        var results = model.Run(prepared.Select(p => p.Row).ToArray(), explain);
        return results.Select((r, i) => new FaultClassification(model.Name, model.Manifest.Version, null, "given readings", null, prepared[i].Used, r)).ToArray();
    }
}
