using Assistant.Core.Knowledge;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Assistant.Knowledge;

/// <summary>
/// Brings the index up to date when the web app starts, in the background: the app serves at once and searches
/// run on the previous index (WAL readers) until each file's new passages are committed.
/// </summary>
public sealed class StartupIngestionService(IKnowledgeIngestor ingestor, ILogger<StartupIngestionService> logger) : BackgroundService
{
    /// <summary>Completes when the start-up check (and ingestion, if the index was stale) has finished.</summary>
    public Task<IngestReport?> Completion => _completion.Task;

    private readonly TaskCompletionSource<IngestReport?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            if (!await ingestor.IsStaleAsync(stoppingToken))
            {
                logger.LogInformation("The knowledge index is up to date.");
                _completion.TrySetResult(null);
                return;
            }

            logger.LogInformation("The knowledge index is stale; ingesting in the background.");
            var report = await ingestor.IngestAsync(stoppingToken);
            foreach (var skipped in report.Skipped)
            {
                logger.LogWarning("Skipped {Path}: {Reason}", skipped.Path, skipped.Reason);
            }

            _completion.TrySetResult(report);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(stoppingToken);
        }
        catch (Exception ex)
        {
            // The app keeps serving from the index it has; the next start tries again.
            logger.LogError(ex, "Start-up ingestion failed: {Message}", ex.Message);
            _completion.TrySetException(ex);
        }
    }
}
