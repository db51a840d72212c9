using System.Collections.Immutable;
using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>
/// One decision being built: the state as it will be, the one commit that makes it durable, and the
/// effects. Local to a single <see cref="JobCore.Decide"/> call, so the core stays a pure function.
/// </summary>
internal sealed class Draft(JobSnapshot state, DateTimeOffset now)
{
    private readonly List<Effect> _effects = [];
    private JobCommit? _commit;
    private Job? _job;
    private bool _workersMoved;
    private bool _trialAdded;
    private Refusal? _refusal;

    public JobSnapshot State { get; private set; } = state;

    public DateTimeOffset Now { get; } = now;

    public Job Job => _job ?? State.Job;

    public LifecycleOptions Options => State.Options;

    public bool IsTerminal => JobTransitions.IsTerminal(Job.State);

    /// <summary>The job as it will be committed (a copy, made once).</summary>
    public Job EditJob()
    {
        if (_job is null)
        {
            _job = State.Job.Clone();
            State = State with { Job = _job };
        }

        return _job;
    }

    private JobCommit Commit => _commit ??= new JobCommit(EditJob());

    public void Event(JobEvent e) => Commit.Events.Add(e);

    public void Effect(Effect effect) => _effects.Add(effect);

    public void Refuse(RefusalKind kind, string message) => _refusal = new Refusal(kind, message);

    /// <summary>Moves the job to <paramref name="to"/> with its StateChanged event; the table must have the row.</summary>
    public void MoveTo(JobState to, string reason, JobError? error = null)
    {
        var job = EditJob();
        var from = job.State;
        if (!JobTransitions.IsAllowed(from, to))
        {
            throw new InvalidOperationException($"job {job.JobId}: no transition from {from} to {to}.");
        }

        job.State = to;
        job.Error = error ?? job.Error;
        if (JobTransitions.IsTerminal(to))
        {
            job.EndTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Now);
        }

        Event(JobEvents.StateChanged(Now, from, to, reason, error));
    }

    /// <summary>Stores a worker's record (the last one put for a worker wins) and keeps the view in step.</summary>
    public void PutWorker(WorkerRecord record)
    {
        var commit = Commit;
        commit.Workers.RemoveAll(w => w.WorkerId == record.WorkerId);
        commit.Workers.Add(record);
        var view = State.Worker(record.WorkerId);
        if (view is null)
        {
            State = State with { Workers = State.Workers.Add(new WorkerView(record, Now)) };
            _workersMoved = true;
            return;
        }

        _workersMoved |= view.Record.State != record.State || view.Record.Refit != record.Refit;
        Touch(record.WorkerId, w => w with { Record = record, Connected = w.Connected && record.State is not (WorkerState.Lost or WorkerState.Exited) });
    }

    /// <summary>Changes what only memory knows of a worker (its stream, when last heard, its slots).</summary>
    public void Touch(string workerId, Func<WorkerView, WorkerView> change)
    {
        if (State.Worker(workerId) is { } view)
        {
            State = State with { Workers = State.Workers.Replace(view, change(view)) };
        }
    }

    public void AddTrial(TrialResult result)
    {
        Commit.Trials.Add(result);
        State = State.WithResult(result);
        _trialAdded = true;
    }

    public void Cost(Func<CostLedger, CostLedger> change)
    {
        if (State.Cost is { } ledger)
        {
            State = State with { Cost = change(ledger) };
        }
    }

    /// <summary>Takes in what a stimulus brought that the store does not keep (the planner, the price).</summary>
    public void Reset(JobSnapshot state) => State = state;

    public void NextWorkerNumber() => State = State with { NextWorkerNumber = State.NextWorkerNumber + 1 };

    /// <summary>Writes the job as it is (no event): a worker's instance, a settled cost.</summary>
    public void WriteJob() => _ = Commit;

    public Decision ToDecision()
    {
        // Watchers see the leaderboard and the workers table move with every trial and worker change.
        if ((_trialAdded || _workersMoved) && !IsTerminal && Job.State != JobState.Queued)
        {
            var job = EditJob();
            job.Progress = FleetProgress.Of(State, Now);
            Event(JobEvents.Progress(Now, job.Progress));
        }

        var effects = ImmutableList.CreateBuilder<Effect>();
        if (_commit is { Events.Count: > 0 })
        {
            effects.Add(new WakeWatchers());
        }

        effects.AddRange(_effects);
        return new Decision(State, _commit, effects.ToImmutable(), _refusal);
    }
}
