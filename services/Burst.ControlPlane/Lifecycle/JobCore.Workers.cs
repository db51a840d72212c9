using Burst.ControlPlane.Runtime;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>Workers' machines: started, not started, ended, stopped; and losing a worker.</summary>
internal static partial class JobCore
{
    /// <summary>Records where the worker runs (even for one about to be stopped, so a restarted control plane can find it).</summary>
    private static void OnProvisioned(Draft d, WorkerProvisioned p)
    {
        if (d.State.Worker(p.WorkerId) is not { } worker)
        {
            return;
        }

        var record = worker.Record with { Instance = p.Instance.Name, Pid = p.Instance.Pid, ProcessStart = p.Instance.ProcessStart };
        d.PutWorker(record);
        if (JobTransitions.IsTerminal(d.Job.State) || !worker.IsLive || d.Job.State == JobState.Cancelling)
        {
            d.Effect(new StopWorkers([record with { State = WorkerState.Exited }]));
        }
    }

    private static void OnProvisioningFailed(Draft d, ProvisioningFailed f)
    {
        d.Cost(l => l.Stop(f.WorkerId, d.Now));
        if (IsWorking(d))
        {
            Fail(d, "PROVISIONING_FAILED", $"worker {f.WorkerId} could not be started: {f.Message}", CancelMessage("provisioning failed"));
        }
    }

    /// <summary>A worker that ends before the job is over is lost; while cancelling it has simply EXITED.</summary>
    private static void OnExited(Draft d, WorkerExited e)
    {
        if (JobTransitions.IsTerminal(d.Job.State) || d.State.Worker(e.WorkerId) is not { IsLive: true } worker)
        {
            return;
        }

        // The machine is gone or powered off: it no longer costs compute.
        d.Cost(l => l.Stop(worker.Id, d.Now));
        if (d.Job.State == JobState.Cancelling)
        {
            d.PutWorker(worker.Record with { State = WorkerState.Exited, Assigned = [], Refit = false });
            d.Event(JobEvents.Worker(d.Now, worker.Id, WorkerState.Exited, worker.Record.Instance, e.Description));
            return;
        }

        DeclareLost(d, worker, e.Description);
    }

    /// <summary>A stop is done. After the end, Job.cost takes in the seconds the stops took (no event: the terminal one stays last).</summary>
    private static void OnStopped(Draft d, string workerId)
    {
        d.Cost(l => l.Stop(workerId, d.Now));
        if (JobTransitions.IsTerminal(d.Job.State) && d.State.Cost is { } ledger)
        {
            var cost = ledger.Measure(d.Now);
            if (cost.VmSeconds > (d.Job.Cost?.VmSeconds ?? 0))
            {
                d.EditJob().Cost = cost;
                d.WriteJob();
            }
        }
    }

    /// <summary>
    /// The worker is LOST: its unfinished trials go back to the queue at once (they are no longer in
    /// flight), and a replacement is provisioned while the job has restarts left; otherwise the job
    /// FAILS with WORKER_LOST.
    /// </summary>
    private static void DeclareLost(Draft d, WorkerView worker, string reason)
    {
        d.PutWorker(worker.Record with { State = WorkerState.Lost, Assigned = [], Refit = false });
        d.Event(JobEvents.Worker(d.Now, worker.Id, WorkerState.Lost, worker.Record.Instance, reason));
        Shutdown(d, worker.Id, $"worker {worker.Id} was declared lost: {reason}");

        var maxRestarts = d.Job.Spec.Limits?.MaxRestarts ?? 0;
        if (d.Job.Restarts >= maxRestarts)
        {
            var message = $"worker {worker.Id} was lost ({reason}) and the job has used all {maxRestarts} of its restarts (limits.max_restarts).";
            Fail(d, "WORKER_LOST", message, CancelMessage(message));
            return;
        }

        var restarts = ++d.EditJob().Restarts;
        NewWorker(d, $"replaces {worker.Id} (restart {restarts} of {maxRestarts})", bySchedule: false);

        // A lost worker may still run (hung, or cut off): make sure it does not come back to compete.
        d.Effect(new StopWorkers([worker.Record]));
        Dispatch(d);
    }
}
