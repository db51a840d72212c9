using Burst.ControlPlane.Lifecycle;
using System.Collections.Concurrent;
using Burst.ControlPlane.Telemetry;
using Burst.V1;

namespace Burst.ControlPlane.Store;

/// <summary>
/// Feeds <see cref="ControlPlaneMetrics"/> from what the store commits: every event, state change,
/// trial and change of a job's Cost passes through here exactly once, after it is durable, whichever
/// part of the control plane committed it. Reads pass straight through.
/// </summary>
internal sealed class MeteredJobStore : IJobStore, IDisposable
{
    private readonly IJobStore _inner;
    private readonly ControlPlaneMetrics _metrics;

    // The Cost of each unfinished job as last recorded, so that only its growth is counted.
    private readonly ConcurrentDictionary<string, Cost> _recordedCost = new(StringComparer.Ordinal);

    public MeteredJobStore(IJobStore inner, ControlPlaneMetrics metrics)
    {
        _inner = inner;
        _metrics = metrics;
        metrics.ObserveJobStates(inner.CountJobsByState);
    }

    public async Task<CreateJobOutcome> CreateJobAsync(NewJob newJob, CancellationToken cancellationToken)
    {
        var outcome = await _inner.CreateJobAsync(newJob, cancellationToken);
        if (outcome.Status == CreateJobStatus.Created)
        {
            _metrics.RecordEvent(newJob.FirstEvent.KindCase);
        }

        return outcome;
    }

    public async Task<IReadOnlyList<JobEvent>> CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        var job = commit.Job;
        var jobId = job.JobId;

        // After a restart the stored Cost was recorded by the previous run: start from it.
        Cost? before = null;
        if (HasCost(job.Cost) && !_recordedCost.TryGetValue(jobId, out before))
        {
            before = (await _inner.GetJobAsync(jobId, cancellationToken))?.Cost;
        }

        var events = await _inner.CommitAsync(commit, cancellationToken);

        var provider = ProviderOf(job);
        var finished = false;
        foreach (var e in events)
        {
            _metrics.RecordEvent(e.KindCase);
            switch (e.KindCase)
            {
                case JobEvent.KindOneofCase.StateChanged when e.StateChanged is { Previous: JobState.Queued, State: JobState.Provisioning } && job.CreateTime is { } created:
                    _metrics.RecordQueueWait(e.Time.ToDateTimeOffset() - created.ToDateTimeOffset(), provider);
                    break;
                case JobEvent.KindOneofCase.StateChanged when JobTransitions.IsTerminal(e.StateChanged.State) && (job.StartTime ?? job.CreateTime) is { } began:
                    _metrics.RecordJobFinished(e.StateChanged.State, e.Time.ToDateTimeOffset() - began.ToDateTimeOffset(), provider);
                    finished = true;
                    break;
                case JobEvent.KindOneofCase.Trial:
                    _metrics.RecordTrial(e.Trial.Duration?.ToTimeSpan() ?? TimeSpan.Zero, provider);
                    break;
            }
        }

        RecordCost(job, before ?? _recordedCost.GetValueOrDefault(jobId), provider, finished);
        return events;
    }

    public Task<Job?> GetJobAsync(string jobId, CancellationToken cancellationToken) => _inner.GetJobAsync(jobId, cancellationToken);

    public Task<IReadOnlyList<Job>> ListJobsAsync(JobState? state, string? beforeJobId, int limit, CancellationToken cancellationToken) =>
        _inner.ListJobsAsync(state, beforeJobId, limit, cancellationToken);

    public Task<IReadOnlyList<Job>> ListJobsInStatesAsync(IReadOnlyCollection<JobState> states, int limit, CancellationToken cancellationToken) =>
        _inner.ListJobsInStatesAsync(states, limit, cancellationToken);

    public Task<IReadOnlyList<JobEvent>> ReadEventsAsync(string jobId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        _inner.ReadEventsAsync(jobId, afterSequence, limit, cancellationToken);

    public Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(string jobId, CancellationToken cancellationToken) => _inner.GetWorkersAsync(jobId, cancellationToken);

    public Task<IReadOnlyList<TrialResult>> GetTrialResultsAsync(string jobId, CancellationToken cancellationToken) => _inner.GetTrialResultsAsync(jobId, cancellationToken);

    public Task<AgentTokenRecord?> FindAgentTokenAsync(byte[] tokenHash, CancellationToken cancellationToken) => _inner.FindAgentTokenAsync(tokenHash, cancellationToken);

    public Task<bool> CheckAsync(CancellationToken cancellationToken) => _inner.CheckAsync(cancellationToken);

    public Task<string?> GetTraceParentAsync(string jobId, CancellationToken cancellationToken) => _inner.GetTraceParentAsync(jobId, cancellationToken);

    public IReadOnlyDictionary<JobState, long> CountJobsByState() => _inner.CountJobsByState();

    public void Dispose() => (_inner as IDisposable)?.Dispose();

    /// <summary>
    /// Records how much the job's Cost grew. A finished job records its remainder even when that is
    /// zero (local workers cost nothing), so every provider that ran a job has a series.
    /// </summary>
    private void RecordCost(Job job, Cost? before, string provider, bool finished)
    {
        var now = job.Cost ?? new Cost();
        var vmSeconds = Math.Max(0, now.VmSeconds - (before?.VmSeconds ?? 0));
        var usd = Math.Max(0, now.EstimatedUsd - (before?.EstimatedUsd ?? 0));
        if (vmSeconds > 0 || finished)
        {
            _metrics.RecordVmSeconds(vmSeconds, provider, NullIfEmpty(job.Spec?.Resources?.MachineType));
        }

        if (usd > 0 || finished)
        {
            _metrics.RecordCost(usd, provider);
        }

        if (finished)
        {
            _recordedCost.TryRemove(job.JobId, out _);
        }
        else if (HasCost(job.Cost))
        {
            _recordedCost[job.JobId] = now.Clone();
        }
    }

    private static bool HasCost(Cost? cost) => cost is not null && (cost.VmSeconds > 0 || cost.EstimatedUsd > 0);

    private static string ProviderOf(Job job) =>
        NullIfEmpty(job.Spec?.Resources?.Provider) ?? Jobs.JobSpecRules.LocalProvider;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
