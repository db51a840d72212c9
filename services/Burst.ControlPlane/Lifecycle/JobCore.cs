using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>
/// A job's decisions in one pure function: given its state, one stimulus and <c>now</c>, the next state,
/// the commit that makes it durable and the effects to carry out. No locks, no I/O, no clock, no
/// RpcException; the job's moves follow <see cref="JobTransitions"/>. In the manner of a small state
/// machine, a stimulus that means nothing in the job's state (a late report after the end, a second
/// cancel, an exit of a worker already lost) is a no-op: an empty decision.
/// </summary>
internal static partial class JobCore
{
    public static Decision Decide(JobSnapshot state, Stimulus stimulus, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(stimulus);
        var draft = new Draft(state, now);
        switch (stimulus)
        {
            case Scheduled s: OnScheduled(draft, s); break;
            case CancelRequested c: OnCancel(draft, c.Reason); break;
            case WorkersStopped: OnWorkersStopped(draft); break;
            case Recover r: OnRecover(draft, r); break;
            case WorkerAttached a: OnAttached(draft, a); break;
            case WorkerDetached d: OnDetached(draft, d.WorkerId); break;
            case HeartbeatReceived h: Heard(draft, h.WorkerId); break;
            case ReportReceived r: OnReport(draft, r.WorkerId, r.Report); break;
            case WorkerProvisioned p: OnProvisioned(draft, p); break;
            case ProvisioningFailed f: OnProvisioningFailed(draft, f); break;
            case WorkerExited e: OnExited(draft, e); break;
            case WorkerStopped s: OnStopped(draft, s.WorkerId); break;
            case ClockTick: OnTick(draft); break;
            default: throw new ArgumentOutOfRangeException(nameof(stimulus), stimulus, "Unknown stimulus.");
        }

        return draft.ToDecision();
    }

    /// <summary>True while the job's workers may run trials: the states the clock and the reports act on.</summary>
    private static bool IsWorking(Draft d) => d.Job.State is JobState.Provisioning or JobState.Running;

    /// <summary>FAILED with a reason; the agents are told <paramref name="farewell"/> and the workers stopped.</summary>
    private static void Fail(Draft d, string reason, string message, ControlMessage farewell)
    {
        var error = new JobError { Reason = reason, Message = message };
        AddCost(d);
        d.MoveTo(JobState.Failed, reason, error);
        Close(d, farewell, stopWorkers: true);
    }

    /// <summary>
    /// After the terminal move: every bound stream gets <paramref name="farewell"/> and ends, the job leaves
    /// the coordinator, and (unless that is under way already) every worker that may still run is stopped.
    /// </summary>
    private static void Close(Draft d, ControlMessage farewell, bool stopWorkers)
    {
        foreach (var worker in d.State.Workers.Where(w => w.Connected))
        {
            d.Effect(new SendToAgent(worker.Id, farewell));
            d.Effect(new CloseStream(worker.Id));
            d.Touch(worker.Id, w => w with { Connected = false });
        }

        d.Effect(new JobEnded());
        if (stopWorkers)
        {
            var running = d.State.Workers.Where(w => w.Record.State != WorkerState.Exited).Select(w => w.Record).ToList();
            if (running.Count > 0)
            {
                d.Effect(new StopWorkers(running));
            }
        }
    }

    /// <summary>The cost so far into the commit (Job.cost and a cost event); put before a terminal move, which stays the last event.</summary>
    private static void AddCost(Draft d)
    {
        if (d.State.Cost is not { } ledger)
        {
            return;
        }

        var cost = ledger.Measure(d.Now);
        d.EditJob().Cost = cost;
        d.Event(JobEvents.Cost(d.Now, cost));
        d.Cost(l => l with { ReportedVmSeconds = cost.VmSeconds });
    }

    /// <summary>Adds a PROVISIONING worker (its token is minted by the shell) and asks for its machine.</summary>
    private static void NewWorker(Draft d, string reason, bool bySchedule)
    {
        var workerId = $"w-{d.State.NextWorkerNumber}";
        d.NextWorkerNumber();
        d.PutWorker(new WorkerRecord(d.Job.JobId, workerId, WorkerState.Provisioning));
        d.Event(JobEvents.Worker(d.Now, workerId, WorkerState.Provisioning, "", reason));

        // Counted from the decision on: a VM bills from its insert request, not from its agent's attach.
        d.Cost(l => l.Start(workerId, d.Now));
        d.Effect(new ProvisionWorker(workerId, reason, bySchedule));
    }

    private static void Shutdown(Draft d, string workerId, string reason)
    {
        d.Effect(new SendToAgent(workerId, new ControlMessage { Shutdown = new Shutdown { Reason = reason } }));
        d.Effect(new CloseStream(workerId));
        d.Touch(workerId, w => w with { Connected = false });
    }

    private static ControlMessage CancelMessage(string reason) => new() { Cancel = new Cancel { Reason = reason } };
}
