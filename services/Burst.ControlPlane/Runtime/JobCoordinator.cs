using System.Collections.Concurrent;
using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ControlPlane.Watch;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Runtime;

/// <summary>
/// The shell around the lifecycle core (Lifecycle/JobCore): turns what happens (the scheduler's pick,
/// Hello, reports, a stream's end, a provider's exit, the liveness tick, a cancel, a restart) into
/// stimuli, lets the core decide, commits the decision, and carries out its effects: messages to
/// agents, provider calls, watchers woken. The locking rule is on <see cref="ActiveJob"/>.
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

    private LifecycleOptions Limits => new(Options.HeartbeatTimeout, Options.HeartbeatInterval, Options.CostEventInterval);

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
        await _admission.WaitAsync(cancellationToken);
        try
        {
            var job = await store.GetJobAsync(jobId, cancellationToken);
            if (job is null || job.State != JobState.Queued)
            {
                return false;
            }

            var provider = providers.Find(job.Spec.Resources.Provider);
            var (planner, specError, lineage) = await PlannerForAsync(job, cancellationToken);
            var active = new ActiveJob(
                JobSnapshot.Of(job, null, Limits, [], [], null, time.GetUtcNow()) with { History = lineage.History, Ancestors = lineage.Ancestors },
                JobTracing.ContextOf(jobId, await store.GetTraceParentAsync(jobId, cancellationToken)));
            using var schedule = JobTracing.Start("burst.job.schedule", active.Trace, jobId, JobTracing.Tag(TelemetryTags.Provider, job.Spec.Resources.Provider));
            var scheduled = new Scheduled(provider is not null, planner, specError, provider?.HourlyPriceUsd(job.Spec) ?? 0);
            var launches = await ApplyAsync(active, scheduled, schedule.Span?.Context ?? active.Trace);
            if (active.State.Job.State == JobState.Provisioning)
            {
                _active[jobId] = active;
                logger.JobScheduled(jobId, launches.Count, job.Spec.Resources.Provider);
                LaunchLater(active, launches);
            }
            else
            {
                logger.JobFinished(jobId, active.State.Job.State, active.State.Job.Error?.Message ?? "");
            }

            return true;
        }
        finally
        {
            _admission.Release();
        }
    }

    /// <summary>
    /// Cancels a job: QUEUED becomes CANCELLED at once; an active job becomes CANCELLING, its agents
    /// get Cancel, and it becomes CANCELLED once its workers are stopped. A terminal job stays as it
    /// is. Null for an unknown job.
    /// </summary>
    public async Task<Job?> CancelAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
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

                    var queued = new ActiveJob(JobSnapshot.Of(job, null, Limits, [], [], null, time.GetUtcNow()), default);
                    await ApplyAsync(queued, new CancelRequested(reason));
                    logger.JobFinished(jobId, queued.State.Job.State, queued.State.Job.Error?.Message ?? "");
                    return queued.State.Job.Clone();
                }
            }
            finally
            {
                _admission.Release();
            }
        }

        return await active.RunAsync(
            async () =>
            {
                await ApplyAsync(active, new CancelRequested(reason));
                return active.State.Job.Clone();
            },
            cancellationToken);
    }

    /// <summary>The monitor's tick: max_runtime, max_cost_usd, cost events and heartbeat deadlines, all decided from the clock's now.</summary>
    public async Task CheckLivenessAsync(CancellationToken cancellationToken)
    {
        foreach (var active in _active.Values)
        {
            await active.RunAsync(() => ApplyAsync(active, new ClockTick()), cancellationToken);
        }
    }

    /// <summary>Stops talking to agents; with StopWorkersOnShutdown, stops the workers of unfinished jobs too.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var stops = new List<Task>();
        foreach (var active in _active.Values)
        {
            await active.RunAsync(
                () =>
                {
                    foreach (var session in active.Sessions.ToList())
                    {
                        session.Abort(new OperationCanceledException("the control plane is shutting down"));
                        active.Unbind(session.WorkerId);
                    }

                    if (Options.StopWorkersOnShutdown && providers.Find(active.State.Job.Spec.Resources.Provider) is { } provider)
                    {
                        stops.AddRange(active.State.Workers.Where(w => w.IsLive).Select(w => provider.StopAsync(w.Record, cancellationToken)));
                    }

                    return Task.FromResult(true);
                },
                cancellationToken);
        }

        await Task.WhenAll(stops);
        await background.DrainAsync(TimeSpan.FromSeconds(10));
    }

    private async Task RecoverJobAsync(Job job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (planner, specError, lineage) = await PlannerForAsync(job, cancellationToken);
        var provider = providers.Find(job.Spec.Resources.Provider);
        var snapshot = JobSnapshot.Of(
            job,
            planner,
            Limits,
            await store.GetTrialResultsAsync(job.JobId, cancellationToken),
            await store.GetWorkersAsync(job.JobId, cancellationToken),
            provider is null ? null : CostLedger.For(provider.HourlyPriceUsd(job.Spec), job),
            now) with { History = lineage.History, Ancestors = lineage.Ancestors };
        var active = new ActiveJob(snapshot, JobTracing.ContextOf(job.JobId, await store.GetTraceParentAsync(job.JobId, cancellationToken)));

        // Adoption asks the provider (I/O), so it happens before the job takes stimuli; agents wait for Ready meanwhile.
        var gone = new HashSet<string>(StringComparer.Ordinal);
        if (job.State != JobState.Cancelling && specError is null && provider is not null)
        {
            foreach (var worker in snapshot.Workers.Where(w => w.IsLive))
            {
                if (await provider.AdoptAsync(worker.Record, cancellationToken) == WorkerLiveness.Gone)
                {
                    gone.Add(worker.Id);
                }
            }
        }

        _active[job.JobId] = active;
        logger.JobRecovered(job.JobId, job.State, snapshot.Completed.Count, snapshot.Workers.Count(w => w.IsLive));
        await active.RunAsync(() => ApplyAsync(active, new Recover(gone, specError)), cancellationToken);
    }

    /// <summary>The job's planner, built with the trials of the searches it continues (continue_from) as its history.</summary>
    private async Task<(Training.Search.ITrialPlanner? Planner, string? Error, SearchLineage Lineage)> PlannerForAsync(Job job, CancellationToken cancellationToken)
    {
        try
        {
            var lineage = await SearchLineage.LoadAsync(store, job, cancellationToken);
            var planner = lineage.History.Count == 0
                ? SearchMapping.CreatePlanner(job.Spec)
                : SearchMapping.CreatePlanner(job.Spec, lineage.History.Select(h => SearchMapping.ToOutcome(h.Result)).ToArray());
            return (planner, null, lineage);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message, SearchLineage.None);
        }
    }
}
