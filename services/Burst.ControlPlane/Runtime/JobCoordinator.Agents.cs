using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Agents;
using Burst.ControlPlane.Store;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Burst.ControlPlane.Runtime;

/// <summary>The control plane's side of the Attach protocol (PROTOCOL.md).</summary>
internal sealed partial class JobCoordinator
{
    /// <summary>
    /// Binds an authenticated agent's stream to its worker and queues the first messages: Assignment
    /// plus the trials it holds or new ones; Shutdown for a terminal job or a lost worker; Cancel for a
    /// job being cancelled. Throws PERMISSION_DENIED for a worker the job never provisioned.
    /// </summary>
    public async Task AttachAsync(AgentSession session, Hello hello, CancellationToken cancellationToken)
    {
        if (!_active.TryGetValue(session.JobId, out var active))
        {
            var job = await store.GetJobAsync(session.JobId, cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"job {session.JobId} does not exist."));
            if (JobTransitions.IsTerminal(job.State))
            {
                SayGoodbye(session, job);
                return;
            }

            throw new RpcException(new Status(StatusCode.PermissionDenied, $"worker {session.WorkerId} was not provisioned for job {session.JobId}."));
        }

        await active.Gate.WaitAsync(cancellationToken);
        try
        {
            if (active.Closed)
            {
                SayGoodbye(session, active.Job);
                return;
            }

            var worker = active.Worker(session.WorkerId)
                ?? throw new RpcException(new Status(StatusCode.PermissionDenied, $"worker {session.WorkerId} was not provisioned for job {session.JobId}."));
            if (!worker.IsLive)
            {
                session.Send(new ControlMessage { Shutdown = new Shutdown { Reason = $"worker {worker.Id} was declared lost; a replacement runs its trials." } });
                session.Close();
                return;
            }

            var now = time.GetUtcNow();
            var previousSession = worker.Session;
            worker.Session = session;
            worker.LastSeen = now;
            worker.Cores = hello.Cores;
            previousSession?.Close();

            if (active.Job.State == JobState.Cancelling)
            {
                session.Send(new ControlMessage { Cancel = new Cancel { Reason = "the job is being cancelled" } });
                session.Close();
                worker.Session = null;
                return;
            }

            var next = active.Job.Clone();
            var commit = new JobCommit(next);
            commit.Workers.Add(worker.Record with { State = WorkerState.Attached });
            var from = string.IsNullOrEmpty(hello.Hostname) ? "" : $" from {hello.Hostname}";
            var version = string.IsNullOrEmpty(hello.AgentVersion) ? "" : $", agent {hello.AgentVersion}";
            commit.Events.Add(JobEvents.Worker(now, worker.Id, WorkerState.Attached, worker.Record.Instance, $"attached{from}{version}"));
            if (next.State == JobState.Provisioning)
            {
                next.State = JobState.Running;
                commit.Events.Add(JobEvents.StateChanged(now, JobState.Provisioning, JobState.Running, $"worker {worker.Id} attached"));
            }

            await CommitAsync(active, commit);
            logger.WorkerAttached(active.JobId, worker.Id, session.Id, worker.Record.LastReportSequence);

            session.Send(new ControlMessage
            {
                Assignment = new Assignment
                {
                    JobId = active.JobId,
                    WorkerId = worker.Id,
                    Spec = active.Job.Spec,
                    LastCommittedSequence = worker.Record.LastReportSequence,
                    TotalTrials = active.Planner.CandidateCount,
                    HeartbeatDeadline = Timestamp.FromDateTimeOffset(now + Options.HeartbeatTimeout),
                    HeartbeatIntervalSeconds = (int)Math.Max(1, Math.Ceiling(Options.HeartbeatInterval.TotalSeconds)),
                },
            });

            // Work handed out before a reconnect stays with the worker: send it again (the agent skips what it already has).
            var outstanding = active.Outstanding(worker);
            if (outstanding.Count > 0)
            {
                session.Send(new ControlMessage { RunTrials = new RunTrials { Trials = { outstanding } } });
            }

            if (worker.Record.Refit && active.Planner.IsFinished(active.Completed))
            {
                session.Send(new ControlMessage { Refit = RefitMessage(active) });
            }

            await DispatchAsync(active);
        }
        finally
        {
            active.Gate.Release();
        }
    }

    /// <summary>Handles one message after Hello: a heartbeat or a report (committed, then acked).</summary>
    public async Task OnMessageAsync(AgentSession session, AgentMessage message, CancellationToken cancellationToken)
    {
        if (message.KindCase is AgentMessage.KindOneofCase.Hello or AgentMessage.KindOneofCase.None)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "after Hello an agent sends only Report and Heartbeat messages."));
        }

        if (!_active.TryGetValue(session.JobId, out var active))
        {
            // The job ended while this stream was open; its goodbye is on the way.
            return;
        }

        await active.Gate.WaitAsync(cancellationToken);
        try
        {
            var worker = active.Worker(session.WorkerId);
            if (active.Closed || worker is null)
            {
                return;
            }

            if (!worker.IsLive)
            {
                // Lost: nothing it says counts any more, and it was told to shut down.
                return;
            }

            worker.LastSeen = time.GetUtcNow();
            if (message.KindCase == AgentMessage.KindOneofCase.Report)
            {
                await HandleReportAsync(active, worker, session, message.Report);
            }
        }
        finally
        {
            active.Gate.Release();
        }
    }

    /// <summary>The stream ended. The worker keeps its trials and may reattach; only the heartbeat timeout makes it lost.</summary>
    public async Task DetachAsync(AgentSession session)
    {
        if (!_active.TryGetValue(session.JobId, out var active))
        {
            return;
        }

        await active.Gate.WaitAsync();
        try
        {
            var worker = active.Worker(session.WorkerId);
            if (active.Closed || worker is null || !ReferenceEquals(worker.Session, session))
            {
                return;
            }

            worker.Session = null;
            logger.WorkerDetached(active.JobId, worker.Id, session.Id);
            if (worker.Record.State == WorkerState.Attached && !_stopping.IsCancellationRequested)
            {
                var commit = new JobCommit(active.Job.Clone());
                commit.Workers.Add(worker.Record with { State = WorkerState.Detached });
                commit.Events.Add(JobEvents.Worker(time.GetUtcNow(), worker.Id, WorkerState.Detached, worker.Record.Instance, "the stream ended; waiting for the agent to reattach"));
                await CommitAsync(active, commit);
            }
        }
        finally
        {
            active.Gate.Release();
        }
    }

    private async Task HandleReportAsync(ActiveJob active, WorkerSlot worker, AgentSession session, Report report)
    {
        if (report.Sequence <= 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"report sequences start at 1, got {report.Sequence}."));
        }

        if (report.Sequence <= worker.Record.LastReportSequence)
        {
            // Seen before (re-sent after a reconnect): already committed, so only the ack is repeated.
            session.Send(Ack(worker.Record.LastReportSequence));
            return;
        }

        var now = time.GetUtcNow();
        var next = active.Job.Clone();
        var commit = new JobCommit(next);
        var record = worker.Record with { LastReportSequence = report.Sequence };
        var dispatch = false;
        ControlMessage? farewell = null;
        switch (report.KindCase)
        {
            case Report.KindOneofCase.Trial:
                var trial = report.Trial.Clone();
                trial.WorkerId = worker.Id;
                var key = TrialKey.Of(trial);
                record = record with { Assigned = record.Assigned.Where(t => TrialKey.Of(t) != key).ToArray() };
                if (active.IsCommitted(key))
                {
                    logger.DuplicateTrial(active.JobId, worker.Id, trial.TrialId, trial.Rung);
                }
                else if (trial.TrialId < 0 || trial.TrialId >= active.Planner.CandidateCount || trial.Rung < 0)
                {
                    logger.UnknownTrial(active.JobId, worker.Id, trial.TrialId, trial.Rung);
                }
                else
                {
                    commit.Trials.Add(trial);
                    commit.Events.Add(JobEvents.Trial(now, trial));
                    next.Progress = active.ProgressWith(trial, now);
                    commit.Events.Add(JobEvents.Progress(now, next.Progress));
                }

                dispatch = true;
                break;

            case Report.KindOneofCase.Progress:
                var progress = next.Progress?.Clone() ?? new Progress();
                progress.MergeFrom(report.Progress);
                next.Progress = progress;
                commit.Events.Add(JobEvents.Progress(now, progress));
                break;

            case Report.KindOneofCase.Log:
                var line = report.Log.Clone();
                line.WorkerId = worker.Id;
                commit.Events.Add(JobEvents.Log(now, line));
                break;

            case Report.KindOneofCase.Failure when next.State is JobState.Provisioning or JobState.Running:
                var previous = next.State;
                next.State = JobState.Failed;
                next.EndTime = Timestamp.FromDateTimeOffset(now);
                next.Error = new JobError
                {
                    Reason = string.IsNullOrEmpty(report.Failure.Reason) ? "AGENT_FAILURE" : report.Failure.Reason,
                    Message = $"worker {worker.Id}: {report.Failure.Message}",
                };
                AddCost(active, commit, now);
                commit.Events.Add(JobEvents.StateChanged(now, previous, JobState.Failed, next.Error.Reason, next.Error));
                farewell = new ControlMessage { Shutdown = new Shutdown { Reason = $"the job failed: {next.Error.Message}" } };
                break;

            case Report.KindOneofCase.Result when next.State == JobState.Running:
                var result = report.Result.Clone();
                next.Result = result;
                next.State = JobState.Succeeded;
                next.EndTime = Timestamp.FromDateTimeOffset(now);
                if (next.Progress is { } done)
                {
                    done.Phase = "done";
                    done.Eta = null;
                }

                AddCost(active, commit, now);
                commit.Events.Add(JobEvents.Result(now, result));
                commit.Events.Add(JobEvents.StateChanged(now, JobState.Running, JobState.Succeeded, $"worker {worker.Id} reported the result"));
                farewell = new ControlMessage { Shutdown = new Shutdown { Reason = "the job succeeded" } };
                break;

            case Report.KindOneofCase.Idle:
                worker.Slots = Lifecycle.Handout.SlotsOnIdle(worker.Slots, worker.Cores);
                dispatch = true;
                break;

            case Report.KindOneofCase.WorkRequest:
                worker.Slots = Lifecycle.Handout.LearnSlots(worker.Slots, report.WorkRequest);
                dispatch = true;
                break;

            case Report.KindOneofCase.Failure:
            case Report.KindOneofCase.Result:
                // A failure or result while the job is being cancelled changes nothing: the cancel wins.
                break;

            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"report {report.Sequence} carries no kind."));
        }

        commit.Workers.Add(record);
        await CommitAsync(active, commit);
        session.Send(Ack(report.Sequence));

        if (farewell is not null)
        {
            Close(active, farewell, stopWorkers: true);
        }
        else if (dispatch)
        {
            await DispatchAsync(active);
        }
    }

    /// <summary>
    /// Under the job's gate: hands the planner's next trials to attached workers with room (their slots
    /// plus a prefetch, Lifecycle/Handout.cs), or, once the search is finished, asks one worker to
    /// refit. The hand-out is committed before it is sent.
    /// </summary>
    private async Task DispatchAsync(ActiveJob active)
    {
        if (active.Closed || active.Job.State != JobState.Running)
        {
            return;
        }

        if (active.Planner.IsFinished(active.Completed))
        {
            if (active.Workers.Any(w => w.IsLive && w.Record.Refit))
            {
                return;
            }

            var refitter = active.Workers.FirstOrDefault(w => w.IsAttached);
            if (refitter is null)
            {
                return;
            }

            var refitCommit = new JobCommit(active.Job.Clone());
            refitCommit.Workers.Add(refitter.Record with { Refit = true });
            await CommitAsync(active, refitCommit);
            refitter.Session!.Send(new ControlMessage { Refit = RefitMessage(active) });
            logger.RefitSent(active.JobId, refitter.Id);
            return;
        }

        var live = active.Workers.Where(w => w.IsLive)
            .Select(w => new Lifecycle.WorkerDemand(w.Id, w.IsAttached, active.Outstanding(w).Select(Lifecycle.TrialMapping.ToTrialSpec).ToList(), w.Slots))
            .ToList();
        var plan = Lifecycle.Handout.Plan(active.Planner, active.Completed, live);
        if (plan.Count == 0)
        {
            return;
        }

        var commit = new JobCommit(active.Job.Clone());
        var batches = new List<(WorkerSlot Worker, List<TrialToRun> Trials)>();
        foreach (var (workerId, trials) in plan)
        {
            var worker = active.Worker(workerId)!;
            var batch = trials.Select(SearchMapping.ToTrialToRun).ToList();
            commit.Workers.Add(worker.Record with { Assigned = [.. active.Outstanding(worker), .. batch] });
            batches.Add((worker, batch));
        }

        // Committed before sent: after a restart the worker is known to hold them.
        await CommitAsync(active, commit);
        foreach (var (worker, batch) in batches)
        {
            worker.Session!.Send(new ControlMessage { RunTrials = new RunTrials { Trials = { batch } } });
            logger.TrialsAssigned(active.JobId, worker.Id, batch.Count);
        }
    }

    private Refit RefitMessage(ActiveJob active)
    {
        var completed = active.Completed;
        var best = active.Planner.Best(completed);
        return new Refit
        {
            Best = SearchMapping.ToTrialToRun(best.Trial),
            CvBest = best.MeanScore,
            Trials = completed.Count,
            Fits = completed.Sum(o => o.FoldScores.Count),
            ModelUri = active.Job.Spec.Output.ModelUri,
        };
    }

    private static void SayGoodbye(AgentSession session, Job job)
    {
        session.Send(new ControlMessage { Shutdown = new Shutdown { Reason = $"job {job.JobId} is {job.State}." } });
        session.Close();
    }

    private static ControlMessage Ack(long sequence) => new() { Ack = new Ack { Sequence = sequence } };
}
