using Burst.ControlPlane.Lifecycle;
using System.Collections.Concurrent;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ControlPlane.Watch;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Runtime;

/// <summary>
/// Runs jobs from the scheduler's pick to their terminal state: provisions workers, talks to their
/// agents (JobCoordinator.Agents.cs), replaces lost workers (JobCoordinator.Workers.cs), cancels, and
/// recovers after a restart. Each job's changes happen under its own gate, and in-memory state follows
/// the store: commit first, then apply, notify watchers and message agents.
/// </summary>
internal sealed partial class JobCoordinator(
    IJobStore store,
    JobEventHub hub,
    JobQueueSignal queue,
    WorkerProviders providers,
    ControlPlaneAddress address,
    BackgroundWork background,
    IOptions<ControlPlaneOptions> options,
    TimeProvider time,
    ILogger<JobCoordinator> logger)
{
    private readonly ConcurrentDictionary<string, ActiveJob> _active = new(StringComparer.Ordinal);

    // Serialises what happens to QUEUED jobs: the scheduler taking one, and a cancel of one.
    private readonly SemaphoreSlim _admission = new(1, 1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Completes when the jobs of a previous run are loaded; agents and the scheduler wait for it.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Jobs provisioning, running or cancelling: what counts against MaxConcurrentJobs.</summary>
    public int ActiveCount => _active.Count;

    private ControlPlaneOptions Options => options.Value;

    /// <summary>Loads the jobs a previous run left active and adopts their workers (PROTOCOL.md, "Restart").</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        try
        {
            var jobs = await store.ListJobsInStatesAsync(JobTransitions.Active, int.MaxValue, cancellationToken);
            foreach (var job in jobs)
            {
                await RecoverJobAsync(job, cancellationToken);
            }

            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
    }

    /// <summary>Takes a QUEUED job: commits PROVISIONING with its workers and tokens, then starts the workers. False when it was no longer queued.</summary>
    public async Task<bool> StartJobAsync(string jobId, CancellationToken cancellationToken)
    {
        ActiveJob active;
        List<PendingLaunch> launches;
        await _admission.WaitAsync(cancellationToken);
        try
        {
            var job = await store.GetJobAsync(jobId, cancellationToken);
            if (job is null || job.State != JobState.Queued)
            {
                return false;
            }

            var now = time.GetUtcNow();
            if (providers.Find(job.Spec.Resources.Provider) is not { } provider)
            {
                await FailQueuedAsync(job, "PROVIDER_UNAVAILABLE", $"the {job.Spec.Resources.Provider} provider is not configured on this control plane.", now);
                return true;
            }

            Training.Search.ITrialPlanner planner;
            try
            {
                planner = SearchMapping.CreatePlanner(job.Spec);
            }
            catch (ArgumentException e)
            {
                await FailQueuedAsync(job, "INVALID_SPEC", e.Message, now);
                return true;
            }

            active = new ActiveJob(job, planner, [], [], now)
            {
                Trace = JobTracing.ContextOf(jobId, await store.GetTraceParentAsync(jobId, cancellationToken)),
                Cost = CostMeter.For(provider.HourlyPriceUsd(job.Spec), job),
            };
            using var schedule = JobTracing.Start("burst.job.schedule", active.Trace, jobId, JobTracing.Tag(TelemetryTags.Provider, job.Spec.Resources.Provider));
            var next = job.Clone();
            next.State = JobState.Provisioning;
            next.StartTime = Timestamp.FromDateTimeOffset(now);
            var commit = new JobCommit(next);
            commit.Events.Add(JobEvents.StateChanged(now, JobState.Queued, JobState.Provisioning, "scheduled"));
            launches = [];
            for (var i = 0; i < Math.Max(1, job.Spec.Search.Workers); i++)
            {
                // The workers' provisioning hangs under the scheduling that asked for them.
                launches.Add(NewWorker(active, commit, "provisioning", now) with { Parent = schedule.Span?.Context ?? active.Trace });
            }

            await CommitAsync(active, commit);
            _active[jobId] = active;
        }
        finally
        {
            _admission.Release();
        }

        logger.JobScheduled(jobId, launches.Count, active.Job.Spec.Resources.Provider);
        LaunchLater(active, launches);
        return true;
    }

    /// <summary>
    /// Cancels a job: QUEUED becomes CANCELLED at once; an active job becomes CANCELLING, its agents
    /// get Cancel, and it becomes CANCELLED once its workers are stopped. A terminal job stays as it
    /// is. Null for an unknown job.
    /// </summary>
    public async Task<Job?> CancelAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? "cancelled by request" : reason;
        if (!_active.TryGetValue(jobId, out var active))
        {
            await _admission.WaitAsync(cancellationToken);
            try
            {
                if (!_active.TryGetValue(jobId, out active))
                {
                    var job = await store.GetJobAsync(jobId, cancellationToken);
                    if (job is null || job.State != JobState.Queued)
                    {
                        return job;
                    }

                    var now = time.GetUtcNow();
                    var next = job.Clone();
                    next.State = JobState.Cancelled;
                    next.EndTime = Timestamp.FromDateTimeOffset(now);
                    var commit = new JobCommit(next);
                    commit.Events.Add(JobEvents.StateChanged(now, JobState.Queued, JobState.Cancelled, reason));
                    await store.CommitAsync(commit, CancellationToken.None);
                    hub.Notify(jobId);
                    logger.JobFinished(jobId, JobState.Cancelled, reason);
                    return next.Clone();
                }
            }
            finally
            {
                _admission.Release();
            }
        }

        await active.Gate.WaitAsync(cancellationToken);
        try
        {
            if (active.Closed)
            {
                return await store.GetJobAsync(jobId, cancellationToken);
            }

            if (active.Job.State != JobState.Cancelling)
            {
                await BeginCancelAsync(active, reason);
            }

            return active.Job.Clone();
        }
        finally
        {
            active.Gate.Release();
        }
    }

    /// <summary>
    /// The monitor's tick: fails jobs past their max_runtime and declares workers lost that have been
    /// silent longer than the heartbeat timeout.
    /// </summary>
    public async Task CheckLivenessAsync(CancellationToken cancellationToken)
    {
        foreach (var active in _active.Values)
        {
            await active.Gate.WaitAsync(cancellationToken);
            try
            {
                if (active.Closed || active.Job.State is not (JobState.Provisioning or JobState.Running))
                {
                    continue;
                }

                var now = time.GetUtcNow();
                var job = active.Job;
                if (job.Spec.Limits.MaxRuntime is { } maxRuntime && maxRuntime.ToTimeSpan() > TimeSpan.Zero
                    && job.StartTime is { } started && now - started.ToDateTimeOffset() > maxRuntime.ToTimeSpan())
                {
                    await FailAsync(
                        active,
                        "DEADLINE_EXCEEDED",
                        $"the job ran longer than its limits.max_runtime of {maxRuntime.ToTimeSpan()}.",
                        new ControlMessage { Cancel = new Cancel { Reason = "the job exceeded limits.max_runtime" } });
                    continue;
                }

                if (await CheckCostAsync(active, now))
                {
                    continue;
                }

                foreach (var worker in active.Workers.ToList())
                {
                    if (active.Closed)
                    {
                        break;
                    }

                    if (worker.IsLive && now - worker.LastSeen > Options.HeartbeatTimeout)
                    {
                        await DeclareLostAsync(active, worker, $"no message from it for longer than the heartbeat timeout ({Options.HeartbeatTimeout.TotalSeconds:0.###} s)");
                    }
                }
            }
            finally
            {
                active.Gate.Release();
            }
        }
    }

    /// <summary>Stops talking to agents; with StopWorkersOnShutdown, stops the workers of unfinished jobs too.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var stops = new List<Task>();
        foreach (var active in _active.Values)
        {
            await active.Gate.WaitAsync(cancellationToken);
            try
            {
                foreach (var worker in active.Workers)
                {
                    worker.Session?.Abort(new OperationCanceledException("the control plane is shutting down"));
                    worker.Session = null;
                    if (Options.StopWorkersOnShutdown && worker.IsLive && providers.Find(active.Job.Spec.Resources.Provider) is { } provider)
                    {
                        stops.Add(provider.StopAsync(worker.Record, cancellationToken));
                    }
                }
            }
            finally
            {
                active.Gate.Release();
            }
        }

        await Task.WhenAll(stops);
        await background.DrainAsync(TimeSpan.FromSeconds(10));
    }

    private async Task RecoverJobAsync(Job job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Training.Search.ITrialPlanner planner;
        try
        {
            planner = SearchMapping.CreatePlanner(job.Spec);
        }
        catch (ArgumentException e)
        {
            var failed = job.Clone();
            failed.State = JobState.Failed;
            failed.EndTime = Timestamp.FromDateTimeOffset(now);
            failed.Error = new JobError { Reason = "INVALID_SPEC", Message = e.Message };
            var commit = new JobCommit(failed);
            commit.Events.Add(JobEvents.StateChanged(now, job.State, JobState.Failed, "INVALID_SPEC", failed.Error));
            await store.CommitAsync(commit, cancellationToken);
            hub.Notify(job.JobId);
            return;
        }

        var provider = providers.Find(job.Spec.Resources.Provider);
        var active = new ActiveJob(
            job,
            planner,
            await store.GetTrialResultsAsync(job.JobId, cancellationToken),
            await store.GetWorkersAsync(job.JobId, cancellationToken),
            now)
        {
            Trace = JobTracing.ContextOf(job.JobId, await store.GetTraceParentAsync(job.JobId, cancellationToken)),
            Cost = provider is null ? null : CostMeter.For(provider.HourlyPriceUsd(job.Spec), job),
        };

        // Machine time between the last cost event and this start is not known: counting resumes now.
        foreach (var worker in active.Workers.Where(w => w.IsLive))
        {
            active.Cost?.Start(worker.Id, now);
        }

        _active[job.JobId] = active;
        logger.JobRecovered(job.JobId, job.State, active.Completed.Count, active.Workers.Count(w => w.IsLive));

        if (job.State == JobState.Cancelling)
        {
            FinishCancelLater(active);
            return;
        }

        await active.Gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var worker in active.Workers.Where(w => w.IsLive).ToList())
            {
                var liveness = provider is null ? WorkerLiveness.Unknown : await provider.AdoptAsync(worker.Record, cancellationToken);
                if (liveness == WorkerLiveness.Gone && !active.Closed)
                {
                    await DeclareLostAsync(active, worker, "its process is gone after a control-plane restart");
                }
            }
        }
        finally
        {
            active.Gate.Release();
        }
    }

    /// <summary>Under the job's gate: CANCELLING, Cancel down every stream, then stop the workers in the background.</summary>
    private async Task BeginCancelAsync(ActiveJob active, string reason)
    {
        var now = time.GetUtcNow();
        var next = active.Job.Clone();
        var previous = next.State;
        next.State = JobState.Cancelling;
        var commit = new JobCommit(next);
        commit.Events.Add(JobEvents.StateChanged(now, previous, JobState.Cancelling, reason));
        await CommitAsync(active, commit);
        logger.JobCancelling(active.JobId, reason);
        foreach (var worker in active.Workers)
        {
            if (worker.Session is { } session)
            {
                session.Send(new ControlMessage { Cancel = new Cancel { Reason = reason } });
                session.Close();
                worker.Session = null;
            }
        }

        FinishCancelLater(active);
    }

    private void FinishCancelLater(ActiveJob active) => background.Run($"finish cancelling {active.JobId}", async () =>
    {
        await StopWorkersAsync(active);
        await active.Gate.WaitAsync();
        try
        {
            if (active.Closed || active.Job.State != JobState.Cancelling)
            {
                return;
            }

            var now = time.GetUtcNow();
            var next = active.Job.Clone();
            next.State = JobState.Cancelled;
            next.EndTime = Timestamp.FromDateTimeOffset(now);
            var commit = new JobCommit(next);
            foreach (var worker in active.Workers.Where(w => w.IsLive))
            {
                commit.Workers.Add(worker.Record with { State = WorkerState.Exited, Assigned = [], Refit = false });
                commit.Events.Add(JobEvents.Worker(now, worker.Id, WorkerState.Exited, worker.Record.Instance, "stopped: the job was cancelled"));
            }

            AddCost(active, commit, now);
            commit.Events.Add(JobEvents.StateChanged(now, JobState.Cancelling, JobState.Cancelled, "the workers were stopped"));
            await CommitAsync(active, commit);
            Close(active, new ControlMessage { Cancel = new Cancel { Reason = "the job was cancelled" } }, stopWorkers: false);
        }
        finally
        {
            active.Gate.Release();
        }
    });

    /// <summary>Under the job's gate: FAILED with a reason, then the agents are told and the workers stopped.</summary>
    private async Task FailAsync(ActiveJob active, string reason, string message, ControlMessage farewell)
    {
        var now = time.GetUtcNow();
        var next = active.Job.Clone();
        var previous = next.State;
        next.State = JobState.Failed;
        next.EndTime = Timestamp.FromDateTimeOffset(now);
        next.Error = new JobError { Reason = reason, Message = message };
        var commit = new JobCommit(next);
        AddCost(active, commit, now);
        commit.Events.Add(JobEvents.StateChanged(now, previous, JobState.Failed, reason, next.Error));
        await CommitAsync(active, commit);
        Close(active, farewell, stopWorkers: true);
    }

    private async Task FailQueuedAsync(Job job, string reason, string message, DateTimeOffset now)
    {
        var next = job.Clone();
        next.State = JobState.Failed;
        next.EndTime = Timestamp.FromDateTimeOffset(now);
        next.Error = new JobError { Reason = reason, Message = message };
        var commit = new JobCommit(next);
        commit.Events.Add(JobEvents.StateChanged(now, JobState.Queued, JobState.Failed, reason, next.Error));
        await store.CommitAsync(commit, CancellationToken.None);
        hub.Notify(job.JobId);
        logger.JobFinished(job.JobId, JobState.Failed, message);
    }

    /// <summary>
    /// Under the job's gate, after its terminal commit: the job leaves the coordinator, every stream
    /// gets <paramref name="farewell"/> and ends, and (unless that is already done) the workers are stopped.
    /// </summary>
    private void Close(ActiveJob active, ControlMessage farewell, bool stopWorkers)
    {
        active.Closed = true;
        _active.TryRemove(new KeyValuePair<string, ActiveJob>(active.JobId, active));
        foreach (var worker in active.Workers)
        {
            if (worker.Session is { } session)
            {
                session.Send(farewell);
                session.Close();
                worker.Session = null;
            }
        }

        using (var end = JobTracing.Start("burst.job.end", active.Trace, active.JobId, JobTracing.State(active.Job.State)))
        {
            if (active.Job.Error is { } error)
            {
                end.Span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, $"{error.Reason}: {error.Message}");
            }

            logger.JobFinished(active.JobId, active.Job.State, active.Job.Error?.Message ?? "");
        }

        if (stopWorkers)
        {
            background.Run($"stop the workers of {active.JobId}", () => StopWorkersAsync(active));
        }

        queue.Notify();
    }

    /// <summary>Stops every worker of the job that may still run; waits until they are gone.</summary>
    private async Task StopWorkersAsync(ActiveJob active)
    {
        List<WorkerRecord> workers;
        await active.Gate.WaitAsync();
        try
        {
            workers = active.Workers.Where(w => w.Record.State != WorkerState.Exited).Select(w => w.Record).ToList();
        }
        finally
        {
            active.Gate.Release();
        }

        if (providers.Find(active.Job.Spec.Resources.Provider) is { } provider)
        {
            await Task.WhenAll(workers.Select(async w =>
            {
                await provider.StopAsync(w, CancellationToken.None);
                active.Cost?.Stop(w.WorkerId, time.GetUtcNow());
            }));
        }

        if (active.Closed)
        {
            await SettleCostAsync(active);
        }
    }

    /// <summary>Commits, then applies the commit to the in-memory job and wakes its watchers.</summary>
    private async Task CommitAsync(ActiveJob active, JobCommit commit)
    {
        // Not cancellable: a commit that started goes through, so memory and store never disagree.
        await store.CommitAsync(commit, CancellationToken.None);
        active.Apply(commit, time.GetUtcNow());
        if (commit.Events.Count > 0)
        {
            hub.Notify(active.JobId);
        }
    }
}
