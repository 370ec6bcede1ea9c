using Assistant.Core.Plant;

namespace Assistant.Web.Api;

/// <param name="Classifier">Which fault classifier ran, e.g. "milling-failure".</param>
/// <param name="Label">The most likely class.</param>
/// <param name="InputSource">"ticket readings" or "latest machine snapshot".</param>
public sealed record ClassifierVerdict(
    string Classifier,
    string Label,
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

/// <summary>Used while no classifier service is registered: triage falls back to fault codes and past incidents.</summary>
internal sealed class NoTicketFaultClassifier : ITicketFaultClassifier
{
    public ClassifierAvailability State { get; } = new(false, "no fault classifier service is registered; triage uses fault codes and past incidents");

    public Task<ClassifierVerdict?> ClassifyAsync(PlantMachine machine, IReadOnlyDictionary<string, double>? readings, CancellationToken cancellationToken) =>
        Task.FromResult<ClassifierVerdict?>(null);
}
