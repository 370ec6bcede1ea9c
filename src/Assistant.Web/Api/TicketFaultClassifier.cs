using Assistant.Core.Plant;
using Assistant.Tools.Classifiers;

namespace Assistant.Web.Api;

/// <param name="Classifier">Which fault classifier ran, e.g. "milling-failure".</param>
/// <param name="Label">The most likely class.</param>
/// <param name="Meaning">What the label means in the plant's words, e.g. "tool wear failure".</param>
/// <param name="IsNormal">True when the most likely class is the healthy one.</param>
/// <param name="InputSource">Which readings were classified: the ticket's, the machine's latest snapshot, or both.</param>
public sealed record ClassifierVerdict(
    string Classifier,
    string Label,
    string Meaning,
    bool IsNormal,
    double Probability,
    IReadOnlyDictionary<string, double> Probabilities,
    string InputSource);

public sealed record ClassifierAvailability(bool Available, string Description);

/// <summary>
/// The fault classifiers as triage sees them: run the classifier that watches a machine on the ticket's readings,
/// or on the machine's latest snapshot when the ticket has none. An adapter over the classifier registry fills this.
/// </summary>
public interface ITicketFaultClassifier
{
    ClassifierAvailability State { get; }

    /// <returns>Null when no classifier watches the machine or there are no readings to classify.</returns>
    /// <exception cref="ArgumentException">The readings do not fit the classifier (message names the reading).</exception>
    Task<ClassifierVerdict?> ClassifyAsync(PlantMachine machine, IReadOnlyDictionary<string, double>? readings, CancellationToken cancellationToken);
}

/// <summary>Triage's view of the plant's ONNX fault classifiers (<see cref="FaultClassificationService"/>).</summary>
internal sealed class ClassifierTicketFaultClassifier(FaultClassificationService classifiers, ReadingsSnapshot snapshot) : ITicketFaultClassifier
{
    public ClassifierAvailability State
    {
        get
        {
            var registry = classifiers.Registry;
            var names = string.Join(", ", registry.Classifiers.Select(c => c.Name));
            var problems = registry.Problems.Count == 0 ? "" : $"; not loaded: {string.Join("; ", registry.Problems.Select(p => $"{p.File}: {p.Message}"))}";
            return registry.Classifiers.Count == 0
                ? new ClassifierAvailability(false, $"no fault classifier loaded from {registry.Folder}{problems}")
                : new ClassifierAvailability(true, $"{registry.Classifiers.Count} loaded: {names}{problems}");
        }
    }

    public Task<ClassifierVerdict?> ClassifyAsync(PlantMachine machine, IReadOnlyDictionary<string, double>? readings, CancellationToken cancellationToken)
    {
        if (machine.Classifier is null || classifiers.Registry.Find(machine.Classifier) is null ||
            (readings is null && snapshot.Latest(machine.Id) is null))
        {
            return Task.FromResult<ClassifierVerdict?>(null);
        }

        var result = classifiers.Classify(machine.Id, null, readings?.Select(r => new ReadingInput(r.Key, r.Value)).ToList(), explain: false);
        var top = result.Results[0];
        return Task.FromResult<ClassifierVerdict?>(new ClassifierVerdict(
            result.Classifier,
            top.TopClass,
            top.Meaning,
            top.IsNormal,
            top.Probability,
            top.Probabilities.ToDictionary(p => p.Label, p => Math.Round(p.Probability, 4)),
            result.ReadingsSource));
    }
}
