using Burst.ControlPlane.Lifecycle;
using Burst.Cloud.Compute;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Providers.Gce;

/// <summary>
/// Deletes burst-managed VMs that nothing needs: at start and then every ReaperPeriod it lists the
/// project's instances labelled burst-managed=true and deletes those whose job (label burst-job) is
/// terminal or unknown to this control plane, or whose worker was lost or stopped. Together with
/// maxRunDuration this bounds how long a VM outlives its job (DESIGN.md, invariant 2). The builder VM
/// of `burst image build` (burst-role=image-builder) is its command's to delete.
/// </summary>
internal sealed class GceReaper(ComputeClient compute, IJobStore store, IOptions<GceOptions> options, TimeProvider time, ControlPlaneMetrics metrics, ILogger<GceReaper> logger) : BackgroundService
{
    private long _deleted;

    /// <summary>VMs deleted since this control plane started.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.SweepFailed(e);
            }

            await Task.Delay(options.Value.ReaperPeriod, time, stoppingToken);
        }
    }

    /// <summary>One pass; returns how many VMs it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var instance in await compute.ListAllInstancesAsync(GceMetadataKeys.ManagedFilter, cancellationToken))
        {
            var labels = instance.Labels ?? new Dictionary<string, string>();
            if (instance.Name is not { } name || instance.ZoneName is not { } zone || labels.ContainsKey(GceMetadataKeys.RoleLabel))
            {
                continue;
            }

            var (reason, tag) = await WhyReapAsync(labels, zone, name, cancellationToken);
            if (reason is null)
            {
                continue;
            }

            logger.Reaping(zone, name, reason);
            if (await compute.DeleteInstanceAsync(zone, name, cancellationToken) is { } operation)
            {
                await compute.WaitAsync(operation, cancellationToken);
            }

            count++;
            Interlocked.Increment(ref _deleted);
            metrics.RecordReaperDeletions(1, GceWorkerProvider.ProviderName, tag);
        }

        if (count > 0)
        {
            logger.Reaped(count, Deleted);
        }

        return count;
    }

    private async Task<(string? Reason, string Tag)> WhyReapAsync(IReadOnlyDictionary<string, string> labels, string zone, string name, CancellationToken cancellationToken)
    {
        if (!labels.TryGetValue(GceMetadataKeys.JobLabel, out var jobId) || jobId.Length == 0)
        {
            return ("it names no job (label burst-job)", "job_unknown");
        }

        var job = await store.GetJobAsync(jobId, cancellationToken);
        if (job is null)
        {
            return ($"its job {jobId} is unknown to this control plane", "job_unknown");
        }

        if (JobTransitions.IsTerminal(job.State))
        {
            return ($"its job {jobId} is {job.State}", "job_terminal");
        }

        var recorded = GceInstances.Recorded(zone, name);
        var workers = await store.GetWorkersAsync(jobId, cancellationToken);
        var worker = workers.FirstOrDefault(w => w.Instance == recorded)
            ?? (labels.TryGetValue(GceMetadataKeys.WorkerLabel, out var workerId) ? workers.FirstOrDefault(w => w.WorkerId == workerId) : null);
        if (worker is { State: WorkerState.Lost or WorkerState.Exited })
        {
            return ($"its worker {worker.WorkerId} of job {jobId} is {worker.State}", "worker_gone");
        }

        return (null, "");
    }
}
