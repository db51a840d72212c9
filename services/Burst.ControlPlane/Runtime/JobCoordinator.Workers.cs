using System.Diagnostics;
using Burst.ControlPlane.Agents;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ServiceDefaults;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Runtime;

/// <summary>Workers: provisioning, losing and replacing them, and their exits.</summary>
internal sealed partial class JobCoordinator
{
    /// <summary>
    /// A worker committed as PROVISIONING whose process or VM is still to be started, with its token in
    /// clear and the span its provisioning hangs under (the job's trace when not set).
    /// </summary>
    private sealed record PendingLaunch(string WorkerId, string Token, string Reason)
    {
        public ActivityContext Parent { get; init; }
    }

    /// <summary>A provider saw a worker end. Before the job is terminal that makes the worker lost (EXITED while cancelling).</summary>
    public async Task OnWorkerExitedAsync(WorkerExit exit, CancellationToken cancellationToken)
    {
        if (!_active.TryGetValue(exit.JobId, out var active))
        {
            return;
        }

        await active.Gate.WaitAsync(cancellationToken);
        try
        {
            if (active.Closed || active.Worker(exit.WorkerId) is not { IsLive: true } worker)
            {
                return;
            }

            // The machine is gone or powered off: it no longer costs compute.
            active.Cost?.Stop(worker.Id, time.GetUtcNow());
            if (active.Job.State == JobState.Cancelling)
            {
                var now = time.GetUtcNow();
                var commit = new JobCommit(active.Job.Clone());
                commit.Workers.Add(worker.Record with { State = WorkerState.Exited, Assigned = [], Refit = false });
                commit.Events.Add(JobEvents.Worker(now, worker.Id, WorkerState.Exited, worker.Record.Instance, exit.Description));
                await CommitAsync(active, commit);
                return;
            }

            await DeclareLostAsync(active, worker, exit.Description);
        }
        finally
        {
            active.Gate.Release();
        }
    }

    /// <summary>
    /// Under the job's gate: the worker is LOST, its unfinished trials go back to the pool, and a
    /// replacement is provisioned while the job has restarts left; otherwise the job FAILS with WORKER_LOST.
    /// </summary>
    private async Task DeclareLostAsync(ActiveJob active, WorkerSlot worker, string reason)
    {
        var now = time.GetUtcNow();
        var next = active.Job.Clone();
        var commit = new JobCommit(next);
        commit.Workers.Add(worker.Record with { State = WorkerState.Lost, Assigned = [], Refit = false });
        commit.Events.Add(JobEvents.Worker(now, worker.Id, WorkerState.Lost, worker.Record.Instance, reason));
        logger.WorkerLost(active.JobId, worker.Id, reason);

        PendingLaunch? replacement = null;
        var maxRestarts = next.Spec.Limits.MaxRestarts;
        if (next.Restarts < maxRestarts)
        {
            next.Restarts++;
            replacement = NewWorker(active, commit, $"replaces {worker.Id} (restart {next.Restarts} of {maxRestarts})", now);
        }
        else
        {
            var previous = next.State;
            next.State = JobState.Failed;
            next.EndTime = Timestamp.FromDateTimeOffset(now);
            next.Error = new JobError
            {
                Reason = "WORKER_LOST",
                Message = $"worker {worker.Id} was lost ({reason}) and the job has used all {maxRestarts} of its restarts (limits.max_restarts).",
            };
            AddCost(active, commit, now);
            commit.Events.Add(JobEvents.StateChanged(now, previous, JobState.Failed, "WORKER_LOST", next.Error));
        }

        await CommitAsync(active, commit);
        if (worker.Session is { } session)
        {
            session.Send(new ControlMessage { Shutdown = new Shutdown { Reason = $"worker {worker.Id} was declared lost: {reason}" } });
            session.Close();
            worker.Session = null;
        }

        if (replacement is null)
        {
            Close(active, new ControlMessage { Cancel = new Cancel { Reason = active.Job.Error.Message } }, stopWorkers: true);
            return;
        }

        // A lost worker may still run (hung, or cut off): make sure it does not come back to compete.
        var lostRecord = worker.Record;
        if (providers.Find(active.Job.Spec.Resources.Provider) is { } provider)
        {
            background.Run($"stop lost worker {active.JobId}/{worker.Id}", async () =>
            {
                await provider.StopAsync(lostRecord, CancellationToken.None);
                active.Cost?.Stop(lostRecord.WorkerId, time.GetUtcNow());
            });
        }

        LaunchLater(active, [replacement]);
        await DispatchAsync(active);
    }

    /// <summary>Adds a PROVISIONING worker with a fresh token to <paramref name="commit"/>.</summary>
    private static PendingLaunch NewWorker(ActiveJob active, JobCommit commit, string reason, DateTimeOffset now)
    {
        var workerId = $"w-{active.NextWorkerNumber++}";
        var token = AgentTokens.Create();
        commit.Workers.Add(new WorkerRecord(active.JobId, workerId, WorkerState.Provisioning));
        commit.Tokens.Add(new AgentTokenRecord(AgentTokens.Hash(token), active.JobId, workerId));
        commit.Events.Add(JobEvents.Worker(now, workerId, WorkerState.Provisioning, "", reason));
        return new PendingLaunch(workerId, token, reason) { Parent = active.Trace };
    }

    /// <summary>Starts committed workers through the job's provider, outside the job's gate, and records where they run.</summary>
    private void LaunchLater(ActiveJob active, IReadOnlyList<PendingLaunch> launches)
    {
        var provider = providers.Find(active.Job.Spec.Resources.Provider);
        foreach (var launch in launches)
        {
            background.Run($"start worker {active.JobId}/{launch.WorkerId}", async () =>
            {
                WorkerInstance instance;
                using var provision = JobTracing.Start(
                    "burst.worker.provision",
                    launch.Parent,
                    active.JobId,
                    JobTracing.Tag(TelemetryTags.WorkerId, launch.WorkerId),
                    JobTracing.Tag(TelemetryTags.Provider, active.Job.Spec.Resources.Provider),
                    JobTracing.Tag(TelemetryTags.Reason, launch.Reason));
                try
                {
                    if (provider is null)
                    {
                        throw new InvalidOperationException($"the {active.Job.Spec.Resources.Provider} provider is not configured on this control plane.");
                    }

                    // The agent's spans become children of this one: the job's trace continues on the worker.
                    var traceParent = TraceParents.Format(provision.Span?.Context ?? launch.Parent);
                    var url = await address.GetAsync(_stopping.Token);

                    // Counted from the insert request on: a VM bills from creation, not from its agent's attach.
                    active.Cost?.Start(launch.WorkerId, time.GetUtcNow());
                    instance = await provider.StartAsync(
                        new WorkerLaunch(active.JobId, launch.WorkerId, url, launch.Token, traceParent, active.Job.Spec),
                        _stopping.Token);
                    provision.Span?.SetTag("burst.instance", instance.Name);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    provision.Fail(e);
                    logger.ProvisioningFailed(e, active.JobId, launch.WorkerId);
                    active.Cost?.Stop(launch.WorkerId, time.GetUtcNow());
                    await active.Gate.WaitAsync();
                    try
                    {
                        if (!active.Closed && active.Job.State is JobState.Provisioning or JobState.Running)
                        {
                            await FailAsync(
                                active,
                                "PROVISIONING_FAILED",
                                $"worker {launch.WorkerId} could not be started: {e.Message}",
                                new ControlMessage { Cancel = new Cancel { Reason = "provisioning failed" } });
                        }
                    }
                    finally
                    {
                        active.Gate.Release();
                    }

                    return;
                }

                bool stopIt;
                await active.Gate.WaitAsync();
                try
                {
                    var worker = active.Worker(launch.WorkerId);
                    stopIt = active.Closed || worker is null || !worker.IsLive || active.Job.State == JobState.Cancelling;
                    if (worker is not null)
                    {
                        // Recorded even for a worker about to be stopped, so a restarted control plane can find it.
                        var commit = new JobCommit(active.Job.Clone());
                        commit.Workers.Add(worker.Record with { Instance = instance.Name, Pid = instance.Pid, ProcessStart = instance.ProcessStart });
                        if (!active.Closed)
                        {
                            await CommitAsync(active, commit);
                        }
                        else
                        {
                            await store.CommitAsync(commit, CancellationToken.None);
                        }
                    }
                }
                finally
                {
                    active.Gate.Release();
                }

                if (stopIt && provider is not null)
                {
                    await provider.StopAsync(
                        new WorkerRecord(active.JobId, launch.WorkerId, WorkerState.Exited) { Instance = instance.Name, Pid = instance.Pid, ProcessStart = instance.ProcessStart },
                        CancellationToken.None);
                    active.Cost?.Stop(launch.WorkerId, time.GetUtcNow());
                }
            });
        }
    }
}
