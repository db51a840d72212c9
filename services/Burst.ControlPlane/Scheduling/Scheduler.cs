using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Scheduling;

/// <summary>Takes QUEUED jobs, oldest first, while fewer than MaxConcurrentJobs are active. Woken by submits and job ends.</summary>
internal sealed class Scheduler(
    IJobStore store,
    JobCoordinator coordinator,
    JobQueueSignal signal,
    IOptions<ControlPlaneOptions> options,
    ILogger<Scheduler> logger) : BackgroundService
{
    private static readonly JobState[] Queued = [JobState.Queued];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await coordinator.Ready.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await AdmitAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.SchedulingFailed(e);
            }

            // A wake is the usual reason to look again; the timeout retries after a failed pass.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await signal.WaitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task AdmitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var free = options.Value.MaxConcurrentJobs - coordinator.ActiveCount;
            if (free <= 0)
            {
                return;
            }

            var queued = await store.ListJobsInStatesAsync(Queued, free, cancellationToken);
            if (queued.Count == 0)
            {
                return;
            }

            var started = 0;
            foreach (var job in queued)
            {
                if (await coordinator.StartJobAsync(job.JobId, cancellationToken))
                {
                    started++;
                }
            }

            if (started == 0)
            {
                return;
            }
        }
    }
}
