using System.Diagnostics;
using Burst.ControlPlane.Agents;
using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ServiceDefaults;
using Burst.V1;

namespace Burst.ControlPlane.Runtime;

/// <summary>Deciding, committing, and carrying out a decision's effects.</summary>
internal sealed partial class JobCoordinator
{
    /// <summary>A worker committed as PROVISIONING whose machine is still to be started, with its token in clear and the span its provisioning hangs under.</summary>
    private sealed record PendingLaunch(string WorkerId, string Token, string Reason, ActivityContext Parent);

    private sealed record Applied(Decision Decision, IReadOnlyList<PendingLaunch> Launches);

    /// <summary>
    /// Inside the job's gate (or, for a QUEUED job, the admission lock): lets the core decide, commits,
    /// takes in the next state, then carries out the effects. Workers to provision are started here,
    /// except at scheduling, where the caller starts them once the job is registered.
    /// </summary>
    private async Task<IReadOnlyList<PendingLaunch>> ApplyAsync(ActiveJob active, Stimulus stimulus, ActivityContext? scheduling = null) =>
        (await DecideAndCommitAsync(active, stimulus, scheduling)).Launches;

    private async Task<Applied> DecideAndCommitAsync(ActiveJob active, Stimulus stimulus, ActivityContext? scheduling = null)
    {
        var decision = JobCore.Decide(active.State, stimulus, time.GetUtcNow());
        if (decision.Refusal is not null)
        {
            return new Applied(decision, []);
        }

        // Tokens are random: the shell mints them, and their hashes go into the same commit as their workers.
        var launches = new List<PendingLaunch>();
        foreach (var provision in decision.Effects.OfType<ProvisionWorker>())
        {
            var token = AgentTokens.Create();
            decision.Commit!.Tokens.Add(new AgentTokenRecord(AgentTokens.Hash(token), active.JobId, provision.WorkerId));
            launches.Add(new PendingLaunch(provision.WorkerId, token, provision.Reason, provision.BySchedule && scheduling is { } parent ? parent : active.Trace));
        }

        if (decision.Commit is { } commit)
        {
            // Not cancellable: a commit that started goes through, so memory and store never disagree.
            await store.CommitAsync(commit, CancellationToken.None);
            LogCommitted(active.JobId, commit);
        }

        active.State = decision.Next;
        foreach (var effect in decision.Effects)
        {
            Carry(active, effect);
        }

        if (stimulus is not Scheduled)
        {
            LaunchLater(active, launches);
        }

        return new Applied(decision, launches);
    }

    private void Carry(ActiveJob active, Effect effect)
    {
        switch (effect)
        {
            case WakeWatchers:
                hub.Notify(active.JobId);
                break;

            case SendToAgent send:
                if (active.Session(send.WorkerId) is { } session)
                {
                    session.Send(send.Message);
                    if (send.Message.RunTrials is { } batch)
                    {
                        logger.TrialsAssigned(active.JobId, send.WorkerId, batch.Trials.Count);
                    }
                    else if (send.Message.Refit is not null)
                    {
                        logger.RefitSent(active.JobId, send.WorkerId);
                    }
                }

                break;

            case CloseStream close:
                active.Session(close.WorkerId)?.Close();
                active.Unbind(close.WorkerId);
                break;

            case StopWorkers stop:
                StopLater(active, stop);
                break;

            case JobEnded:
                _active.TryRemove(new KeyValuePair<string, ActiveJob>(active.JobId, active));
                var job = active.State.Job;
                using (var end = JobTracing.Start("burst.job.end", active.Trace, active.JobId, JobTracing.State(job.State)))
                {
                    if (job.Error is { } error)
                    {
                        end.Span?.SetStatus(ActivityStatusCode.Error, $"{error.Reason}: {error.Message}");
                    }

                    logger.JobFinished(active.JobId, job.State, job.Error?.Message ?? "");
                }

                queue.Notify();
                break;

            case ProvisionWorker:
                // Started by the caller of ApplyAsync, after the commit that holds its token.
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(effect), effect, "Unknown effect.");
        }
    }

    private void LogCommitted(string jobId, JobCommit commit)
    {
        foreach (var e in commit.Events)
        {
            if (e.StateChanged is { State: JobState.Cancelling } cancelling)
            {
                logger.JobCancelling(jobId, cancelling.Reason);
            }
            else if (e.Worker is { State: WorkerState.Lost } lost)
            {
                logger.WorkerLost(jobId, lost.WorkerId, lost.Reason);
            }
        }
    }

    /// <summary>A stimulus from outside the job's gate (a background stop or start): waits its turn.</summary>
    private Task RunStimulusAsync(ActiveJob active, Stimulus stimulus) => active.RunAsync(() => ApplyAsync(active, stimulus));

    /// <summary>Stops machines in the background; each stop that is done comes back as WorkerStopped, then the follow-up.</summary>
    private void StopLater(ActiveJob active, StopWorkers stop) => background.Run($"stop workers of {active.JobId}", async () =>
    {
        if (providers.Find(active.State.Job.Spec.Resources.Provider) is { } provider)
        {
            await Task.WhenAll(stop.Workers.Select(async w =>
            {
                await provider.StopAsync(w, CancellationToken.None);
                await RunStimulusAsync(active, new WorkerStopped(w.WorkerId));
            }));
        }

        if (stop.Then is { } then)
        {
            await RunStimulusAsync(active, then);
        }
    });

    /// <summary>Starts committed workers through the job's provider, outside the job's gate; the outcome comes back as a stimulus.</summary>
    private void LaunchLater(ActiveJob active, IReadOnlyList<PendingLaunch> launches)
    {
        var spec = active.State.Job.Spec;
        var provider = providers.Find(spec.Resources.Provider);
        foreach (var launch in launches)
        {
            background.Run($"start worker {active.JobId}/{launch.WorkerId}", async () =>
            {
                WorkerInstance instance;
                using (var provision = JobTracing.Start(
                    "burst.worker.provision",
                    launch.Parent,
                    active.JobId,
                    JobTracing.Tag(TelemetryTags.WorkerId, launch.WorkerId),
                    JobTracing.Tag(TelemetryTags.Provider, spec.Resources.Provider),
                    JobTracing.Tag(TelemetryTags.Reason, launch.Reason)))
                {
                    try
                    {
                        if (provider is null)
                        {
                            throw new InvalidOperationException($"the {spec.Resources.Provider} provider is not configured on this control plane.");
                        }

                        // The agent's spans become children of this one: the job's trace continues on the worker.
                        var traceParent = TraceParents.Format(provision.Span?.Context ?? launch.Parent);
                        var url = await address.GetAsync(_stopping.Token);
                        instance = await provider.StartAsync(new WorkerLaunch(active.JobId, launch.WorkerId, url, launch.Token, traceParent, spec), _stopping.Token);
                        provision.Span?.SetTag("burst.instance", instance.Name);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        provision.Fail(e);
                        logger.ProvisioningFailed(e, active.JobId, launch.WorkerId);
                        await RunStimulusAsync(active, new ProvisioningFailed(launch.WorkerId, e.Message));
                        return;
                    }
                }

                await RunStimulusAsync(active, new WorkerProvisioned(launch.WorkerId, instance));
            });
        }
    }
}
