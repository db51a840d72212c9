using Burst.ControlPlane.Runtime;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>Scheduling, cancelling and recovering a job.</summary>
internal static partial class JobCore
{
    /// <summary>QUEUED -> PROVISIONING with its workers, or FAILED when it cannot run here.</summary>
    private static void OnScheduled(Draft d, Scheduled s)
    {
        if (d.Job.State != JobState.Queued)
        {
            return;
        }

        if (!s.ProviderAvailable)
        {
            d.MoveTo(JobState.Failed, "PROVIDER_UNAVAILABLE", new JobError
            {
                Reason = "PROVIDER_UNAVAILABLE",
                Message = $"the {d.Job.Spec.Resources.Provider} provider is not configured on this control plane.",
            });
            return;
        }

        if (s.Planner is null)
        {
            d.MoveTo(JobState.Failed, "INVALID_SPEC", new JobError { Reason = "INVALID_SPEC", Message = s.SpecError ?? "the spec gives no search." });
            return;
        }

        d.EditJob().StartTime = Timestamp.FromDateTimeOffset(d.Now);
        d.MoveTo(JobState.Provisioning, "scheduled");
        var state = d.State with { Planner = s.Planner, Cost = CostLedger.For(s.HourlyUsd, d.Job) };
        d.Reset(state);
        for (var i = 0; i < Math.Max(1, d.Job.Spec.Search.Workers); i++)
        {
            NewWorker(d, "provisioning", bySchedule: true);
        }
    }

    /// <summary>
    /// QUEUED becomes CANCELLED at once; PROVISIONING or RUNNING becomes CANCELLING, the agents get
    /// Cancel and the workers are stopped (then WorkersStopped). CANCELLING and terminal jobs stay.
    /// </summary>
    private static void OnCancel(Draft d, string reason)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? "cancelled by request" : reason;
        if (d.Job.State == JobState.Queued)
        {
            d.MoveTo(JobState.Cancelled, reason);
            return;
        }

        if (!IsWorking(d))
        {
            return;
        }

        d.MoveTo(JobState.Cancelling, reason);
        foreach (var worker in d.State.Workers.Where(w => w.Connected))
        {
            d.Effect(new SendToAgent(worker.Id, CancelMessage(reason)));
            d.Effect(new CloseStream(worker.Id));
            d.Touch(worker.Id, w => w with { Connected = false });
        }

        StopForCancel(d);
    }

    private static void StopForCancel(Draft d) =>
        d.Effect(new StopWorkers(d.State.Workers.Where(w => w.Record.State != WorkerState.Exited).Select(w => w.Record).ToList(), new WorkersStopped()));

    /// <summary>CANCELLING -> CANCELLED once every worker is stopped.</summary>
    private static void OnWorkersStopped(Draft d)
    {
        if (d.Job.State != JobState.Cancelling)
        {
            return;
        }

        foreach (var worker in d.State.Workers.Where(w => w.IsLive).ToList())
        {
            d.PutWorker(worker.Record with { State = WorkerState.Exited, Assigned = [], Refit = false });
            d.Event(JobEvents.Worker(d.Now, worker.Id, WorkerState.Exited, worker.Record.Instance, "stopped: the job was cancelled"));
        }

        AddCost(d);
        d.MoveTo(JobState.Cancelled, "the workers were stopped");
        Close(d, CancelMessage("the job was cancelled"), stopWorkers: false);
    }

    /// <summary>
    /// After a restart (PROTOCOL.md, "ADOPT"): every live worker's heartbeat clock and machine time start
    /// now; workers whose process is gone are lost; a CANCELLING job finishes cancelling.
    /// </summary>
    private static void OnRecover(Draft d, Recover r)
    {
        if (JobTransitions.IsTerminal(d.Job.State))
        {
            return;
        }

        if (r.SpecError is { } error)
        {
            d.MoveTo(JobState.Failed, "INVALID_SPEC", new JobError { Reason = "INVALID_SPEC", Message = error });
            Close(d, CancelMessage(error), stopWorkers: true);
            return;
        }

        foreach (var worker in d.State.Workers.Where(w => w.IsLive).ToList())
        {
            d.Touch(worker.Id, w => w with { LastSeen = d.Now });
            d.Cost(l => l.Start(worker.Id, d.Now));
        }

        if (d.Job.State == JobState.Cancelling)
        {
            StopForCancel(d);
            return;
        }

        foreach (var workerId in r.GoneWorkers)
        {
            if (!IsWorking(d))
            {
                break;
            }

            if (d.State.Worker(workerId) is { IsLive: true } worker)
            {
                DeclareLost(d, worker, "its process is gone after a control-plane restart");
            }
        }
    }
}
