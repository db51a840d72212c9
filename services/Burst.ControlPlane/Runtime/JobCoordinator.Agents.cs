using Burst.ControlPlane.Agents;
using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Providers;
using Burst.V1;

namespace Burst.ControlPlane.Runtime;

/// <summary>The Attach protocol's stimuli (PROTOCOL.md): Hello, messages, a stream's end; and a provider's word that a worker ended.</summary>
internal sealed partial class JobCoordinator
{
    /// <summary>
    /// Binds an authenticated agent's stream to its worker and lets the core answer Hello (Assignment
    /// and trials, Shutdown, or Cancel). A refusal (a worker the job never provisioned) is returned for
    /// the API layer to turn into a status.
    /// </summary>
    public async Task<Refusal?> AttachAsync(AgentSession session, Hello hello, CancellationToken cancellationToken)
    {
        if (!_active.TryGetValue(session.JobId, out var active))
        {
            var job = await store.GetJobAsync(session.JobId, cancellationToken);
            if (job is not null && JobTransitions.IsTerminal(job.State))
            {
                session.Send(new ControlMessage { Shutdown = new Shutdown { Reason = $"job {job.JobId} is {job.State}." } });
                session.Close();
                return null;
            }

            return new Refusal(RefusalKind.NotProvisioned, $"worker {session.WorkerId} was not provisioned for job {session.JobId}.");
        }

        return await active.RunAsync(
            async () =>
            {
                var previous = active.Bind(session);
                var applied = await DecideAndCommitAsync(active, new WorkerAttached(session.WorkerId, hello));
                if (applied.Decision.Refusal is { } refusal)
                {
                    active.Restore(session.WorkerId, previous);
                    return refusal;
                }

                if (previous is not null && !ReferenceEquals(previous, session))
                {
                    previous.Close();
                }

                if (active.Session(session.WorkerId) == session && active.State.Worker(session.WorkerId) is { } worker)
                {
                    logger.WorkerAttached(active.JobId, worker.Id, session.Id, worker.Record.LastReportSequence);
                }

                return null;
            },
            cancellationToken);
    }

    /// <summary>Handles one message after Hello: a heartbeat or a report (committed, then acked). A refusal ends the stream with INVALID_ARGUMENT.</summary>
    public async Task<Refusal?> OnMessageAsync(AgentSession session, AgentMessage message, CancellationToken cancellationToken)
    {
        if (message.KindCase is AgentMessage.KindOneofCase.Hello or AgentMessage.KindOneofCase.None)
        {
            return new Refusal(RefusalKind.BadReport, "after Hello an agent sends only Report and Heartbeat messages.");
        }

        if (!_active.TryGetValue(session.JobId, out var active))
        {
            // The job ended while this stream was open; its goodbye is on the way.
            return null;
        }

        Stimulus stimulus = message.KindCase == AgentMessage.KindOneofCase.Report
            ? new ReportReceived(session.WorkerId, message.Report)
            : new HeartbeatReceived(session.WorkerId);
        return await active.RunAsync(
            async () =>
            {
                var applied = await DecideAndCommitAsync(active, stimulus);
                if (message.Report?.Trial is { } trial && applied.Decision.Refusal is null && applied.Decision.Commit is { Trials.Count: 0 }
                    && active.State.Worker(session.WorkerId) is { IsLive: true })
                {
                    if (active.State.IsCommitted(new TrialKey(trial.TrialId, trial.Rung)))
                    {
                        logger.DuplicateTrial(active.JobId, session.WorkerId, trial.TrialId, trial.Rung);
                    }
                    else
                    {
                        logger.UnknownTrial(active.JobId, session.WorkerId, trial.TrialId, trial.Rung);
                    }
                }

                return applied.Decision.Refusal;
            },
            cancellationToken);
    }

    /// <summary>The stream ended. The worker keeps its trials and may reattach; only the heartbeat timeout makes it lost.</summary>
    public async Task DetachAsync(AgentSession session)
    {
        if (!_active.TryGetValue(session.JobId, out var active))
        {
            return;
        }

        await active.RunAsync(async () =>
        {
            if (!ReferenceEquals(active.Session(session.WorkerId), session))
            {
                return false;
            }

            active.Unbind(session.WorkerId);
            logger.WorkerDetached(active.JobId, session.WorkerId, session.Id);
            if (!_stopping.IsCancellationRequested)
            {
                await ApplyAsync(active, new WorkerDetached(session.WorkerId));
            }

            return true;
        });
    }

    /// <summary>A provider saw a worker end. Before the job is terminal that makes the worker lost (EXITED while cancelling).</summary>
    public async Task OnWorkerExitedAsync(WorkerExit exit, CancellationToken cancellationToken)
    {
        if (_active.TryGetValue(exit.JobId, out var active))
        {
            await active.RunAsync(() => ApplyAsync(active, new WorkerExited(exit.WorkerId, exit.Description)), cancellationToken);
        }
    }
}
