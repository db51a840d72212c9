using Burst.Training.Search;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>A live worker as the hand-out sees it: whether it can take trials now, what it holds, and its slots (0 until it asked).</summary>
internal sealed record WorkerDemand(string WorkerId, bool Attached, IReadOnlyList<TrialSpec> Outstanding, int Slots)
{
    /// <summary>Trials it may still be given: its slots plus the prefetch, less what it holds.</summary>
    public int Room => Slots <= 0 ? 0 : Math.Max(0, Slots + Handout.Prefetch - Outstanding.Count);
}

/// <summary>
/// Trials on demand (PROTOCOL.md, 2): a worker holds at most its slots plus <see cref="Prefetch"/>
/// trials, and gets the planner's next ones whenever it has room. So a fast worker takes more, and a
/// lost worker's trials (no longer in flight) are handed to the next worker with room at once.
/// </summary>
internal static class Handout
{
    /// <summary>Trials a worker holds beyond its slots, so that a freed slot does not wait for a round trip.</summary>
    public const int Prefetch = 1;

    /// <summary>
    /// What to hand out now: for each attached worker with room, most room first, the next trials of
    /// <paramref name="planner"/> given the results in commit order and every live worker's trials in
    /// flight (including those handed out earlier in this same plan). With <paramref name="continuedBy"/>
    /// (successive halving: who ran a trial's previous rung and kept its boosters) a worker takes the
    /// trials it can continue first, then those nobody live can continue, and another worker's only
    /// beyond what that worker has free slots for now.
    /// </summary>
    public static IReadOnlyList<(string WorkerId, IReadOnlyList<TrialSpec> Trials)> Plan(
        ITrialPlanner planner, IReadOnlyList<TrialOutcome> completed, IReadOnlyList<WorkerDemand> live, Func<TrialSpec, string?>? continuedBy = null)
    {
        var inFlight = live.SelectMany(w => w.Outstanding).ToList();
        if (continuedBy is null)
        {
            return OnDemand(planner, completed, live, inFlight);
        }

        var liveIds = live.Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal);
        var freeSlots = live.Where(w => w.Attached).ToDictionary(w => w.WorkerId, w => Math.Max(0, w.Room - Prefetch), StringComparer.Ordinal);
        var plan = new List<(string, IReadOnlyList<TrialSpec>)>();
        foreach (var worker in live.Where(w => w.Attached && w.Room > 0).OrderByDescending(w => w.Room).ThenBy(w => WorkerNumber(w.WorkerId)))
        {
            IReadOnlyList<TrialSpec> next;
            if (continuedBy is null)
            {
                next = planner.Next(completed, inFlight, worker.Room);
            }
            else
            {
                // Pending trials of a halving rung are all known and equal in the planner's eyes: only who takes which is chosen here.
                // Another worker's trials are left to it as far as it has free slots to run them now.
                var pending = planner.Next(completed, inFlight, int.MaxValue).Select((t, i) => (Trial: t, Order: i, By: continuedBy(t))).ToList();
                var reserved = pending.Where(x => x.By is { } by && by != worker.WorkerId && freeSlots.ContainsKey(by))
                    .GroupBy(x => x.By!)
                    .SelectMany(g => g.Take(freeSlots[g.Key]))
                    .Select(x => x.Order)
                    .ToHashSet();
                next = pending
                    .Where(x => !reserved.Contains(x.Order))
                    .OrderBy(x => x.By == worker.WorkerId ? 0 : x.By is null || !liveIds.Contains(x.By) ? 1 : 2)
                    .ThenBy(x => x.Order)
                    .Take(worker.Room)
                    .Select(x => x.Trial)
                    .ToList();
            }

            if (next.Count == 0)
            {
                // Nothing left, or only what is left for another worker.
                continue;
            }

            inFlight.AddRange(next);
            plan.Add((worker.WorkerId, next));
        }

        return plan;
    }

    /// <summary>
    /// Free slots first, then the prefetch, and the prefetch only while every worker could still be
    /// given a trial after it. Near the end of a search a trial then waits for the first slot that frees,
    /// rather than queueing behind a running trial on one worker while another runs out of work.
    /// </summary>
    private static List<(string WorkerId, IReadOnlyList<TrialSpec> Trials)> OnDemand(
        ITrialPlanner planner, IReadOnlyList<TrialOutcome> completed, IReadOnlyList<WorkerDemand> live, List<TrialSpec> inFlight)
    {
        var takers = live.Where(w => w.Attached && w.Room > 0).OrderByDescending(w => w.Room).ThenBy(w => WorkerNumber(w.WorkerId)).ToList();
        var given = takers.ToDictionary(w => w.WorkerId, _ => new List<TrialSpec>(), StringComparer.Ordinal);
        void Give(WorkerDemand worker, int count)
        {
            if (count > 0)
            {
                var next = planner.Next(completed, inFlight, count);
                inFlight.AddRange(next);
                given[worker.WorkerId].AddRange(next);
            }
        }

        foreach (var worker in takers)
        {
            Give(worker, worker.Room - Prefetch);
        }

        var attached = live.Count(w => w.Attached);
        if (planner.Next(completed, inFlight, attached).Count >= attached)
        {
            foreach (var worker in takers)
            {
                Give(worker, worker.Room - given[worker.WorkerId].Count);
            }
        }

        return [.. takers.Where(w => given[w.WorkerId].Count > 0).Select(w => (w.WorkerId, (IReadOnlyList<TrialSpec>)given[w.WorkerId]))];
    }

    /// <summary>
    /// A worker's slots after it asked: free slots plus held is its slot count while some are free;
    /// with none free it holds at least its slots, so held less the prefetch is a safe floor.
    /// </summary>
    public static int LearnSlots(int known, WorkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.FreeSlots > 0)
        {
            return request.FreeSlots + Math.Max(0, request.Held);
        }

        return Math.Max(Math.Max(known, 1), request.Held - Prefetch);
    }

    /// <summary>An Idle says every slot is free: a worker that never said how many it has gets one per core.</summary>
    public static int SlotsOnIdle(int known, int cores) => known > 0 ? known : Math.Max(1, cores);

    /// <summary>w-12 is 12, so w-10 sorts after w-9.</summary>
    public static int WorkerNumber(string workerId) =>
        workerId.StartsWith("w-", StringComparison.Ordinal) && int.TryParse(workerId.AsSpan(2), out var n) ? n : 0;
}
