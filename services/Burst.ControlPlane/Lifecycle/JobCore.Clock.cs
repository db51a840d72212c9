using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>What time alone decides, from the <c>now</c> given: max_runtime, max_cost_usd, cost events, heartbeat deadlines.</summary>
internal static partial class JobCore
{
    private static void OnTick(Draft d)
    {
        if (!IsWorking(d))
        {
            return;
        }

        var job = d.Job;
        if (job.Spec.Limits?.MaxRuntime is { } maxRuntime && maxRuntime.ToTimeSpan() > TimeSpan.Zero
            && job.StartTime is { } started && d.Now - started.ToDateTimeOffset() > maxRuntime.ToTimeSpan())
        {
            Fail(d, "DEADLINE_EXCEEDED", $"the job ran longer than its limits.max_runtime of {maxRuntime.ToTimeSpan()}.", CancelMessage("the job exceeded limits.max_runtime"));
            return;
        }

        if (d.State.Cost is { } ledger)
        {
            var cost = ledger.Measure(d.Now);
            var limit = job.Spec.Limits?.MaxCostUsd ?? 0;
            if (limit > 0 && cost.EstimatedUsd >= limit)
            {
                Fail(
                    d,
                    "COST_LIMIT",
                    $"the estimated cost reached limits.max_cost_usd: ${cost.EstimatedUsd:0.####} for {cost.VmSeconds:0} VM-seconds at ${ledger.HourlyUsd:0.####}/hour, limit ${limit:0.####}.",
                    CancelMessage("the job reached limits.max_cost_usd"));
                return;
            }

            if (cost.VmSeconds - ledger.ReportedVmSeconds >= d.Options.CostEventInterval.TotalSeconds)
            {
                AddCost(d);
            }
        }

        foreach (var worker in d.State.Workers.ToList())
        {
            if (!IsWorking(d))
            {
                break;
            }

            if (worker.IsLive && d.Now - worker.LastSeen > d.Options.HeartbeatTimeout)
            {
                DeclareLost(d, worker, $"no message from it for longer than the heartbeat timeout ({d.Options.HeartbeatTimeout.TotalSeconds:0.###} s)");
            }
        }
    }
}
