using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Runtime;

/// <summary>
/// What a job's machines cost: `cost` events while it runs (each time its VMs have run another
/// CostEventInterval) and one as it ends, Job.cost, and limits.max_cost_usd. A job whose estimate
/// reaches its limit FAILS with reason COST_LIMIT; its agents get Cancel and its VMs are deleted.
/// Jobs of a free provider (local) have no meter, no cost events and no Job.cost.
/// </summary>
internal sealed partial class JobCoordinator
{
    /// <summary>Under the job's gate, at each liveness tick: a cost event when due; true when the job just failed on its cost limit.</summary>
    private async Task<bool> CheckCostAsync(ActiveJob active, DateTimeOffset now)
    {
        if (active.Cost is not { } meter)
        {
            return false;
        }

        var cost = meter.Measure(now);
        var limit = active.Job.Spec.Limits?.MaxCostUsd ?? 0;
        if (limit > 0 && cost.EstimatedUsd >= limit)
        {
            await FailAsync(
                active,
                "COST_LIMIT",
                $"the estimated cost reached limits.max_cost_usd: ${cost.EstimatedUsd:0.####} for {cost.VmSeconds:0} VM-seconds at ${meter.HourlyUsd:0.####}/hour, limit ${limit:0.####}.",
                new ControlMessage { Cancel = new Cancel { Reason = "the job reached limits.max_cost_usd" } });
            return true;
        }

        if (cost.VmSeconds - meter.ReportedVmSeconds >= Options.CostEventInterval.TotalSeconds)
        {
            var next = active.Job.Clone();
            var commit = new JobCommit(next);
            AddCost(active, commit, now);
            await CommitAsync(active, commit);
        }

        return false;
    }

    /// <summary>Adds the cost so far to a commit (Job.cost and a cost event); put it before a terminal state change, which stays the last event.</summary>
    private static void AddCost(ActiveJob active, JobCommit commit, DateTimeOffset now)
    {
        if (active.Cost is not { } meter)
        {
            return;
        }

        var cost = meter.Measure(now);
        commit.Job.Cost = cost;
        commit.Events.Add(JobEvents.Cost(now, cost));
        meter.ReportedVmSeconds = cost.VmSeconds;
    }

    /// <summary>
    /// After a finished job's VMs are deleted: Job.cost takes in the seconds the deletes took (no
    /// event: the terminal one stays last), so Job.cost is the final figure.
    /// </summary>
    private async Task SettleCostAsync(ActiveJob active)
    {
        if (active.Cost is not { } meter)
        {
            return;
        }

        await active.Gate.WaitAsync();
        try
        {
            var cost = meter.Measure(time.GetUtcNow());
            if (cost.VmSeconds > (active.Job.Cost?.VmSeconds ?? 0))
            {
                var next = active.Job.Clone();
                next.Cost = cost;
                await CommitAsync(active, new JobCommit(next));
            }
        }
        finally
        {
            active.Gate.Release();
        }
    }
}
