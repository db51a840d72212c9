using System.Collections.Immutable;
using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.Training.Search;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>(trial_id, rung): what identifies a trial.</summary>
internal readonly record struct TrialKey(int TrialId, int Rung)
{
    public static TrialKey Of(TrialToRun t) => new(t.TrialId, t.Rung);

    public static TrialKey Of(TrialResult r) => new(r.TrialId, r.Rung);

    public static TrialKey Of(TrialSpec s) => new(s.TrialId, s.Rung);
}

/// <summary>A trial result taken over from an earlier job through continue_from.</summary>
internal sealed record InheritedTrial(string JobId, TrialResult Result);

/// <summary>The limits the core decides by; all of them are compared with the <c>now</c> it is given.</summary>
internal sealed record LifecycleOptions(TimeSpan HeartbeatTimeout, TimeSpan HeartbeatInterval, TimeSpan CostEventInterval);

/// <summary>
/// A worker as the core sees it: its committed record, when it was last heard, whether an Attach stream
/// is bound to it (the stream itself lives in the shell), and the slots its agent announced.
/// </summary>
internal sealed record WorkerView(WorkerRecord Record, DateTimeOffset LastSeen)
{
    public string Id => Record.WorkerId;

    public bool Connected { get; init; }

    /// <summary>Trials its agent runs at once (PROTOCOL.md, 2); 0 until it asked for work.</summary>
    public int Slots { get; init; }

    public int Cores { get; init; }

    /// <summary>Not lost and not exited: the worker may still attach and holds its trials.</summary>
    public bool IsLive => Record.State is not (WorkerState.Lost or WorkerState.Exited);

    public bool IsAttached => Connected && Record.State == WorkerState.Attached;
}

/// <summary>
/// Everything the core decides from, as a value: the last committed Job, the committed trial results in
/// commit order, the workers, the planner (pure and deterministic) and the cost ledger. The shell keeps
/// the latest one per job and replaces it with each decision's <see cref="Decision.Next"/> once the
/// decision's commit is durable.
/// </summary>
internal sealed record JobSnapshot
{
    public required Job Job { get; init; }

    /// <summary>Null only for a job whose spec gives no search (it is failed with INVALID_SPEC).</summary>
    public ITrialPlanner? Planner { get; init; }

    public required LifecycleOptions Options { get; init; }

    public ImmutableList<WorkerView> Workers { get; init; } = [];

    /// <summary>Committed results, in commit order, with the worker that ran each.</summary>
    public ImmutableList<TrialResult> Results { get; init; } = [];

    /// <summary>The same results as the planner takes them, in commit order.</summary>
    public ImmutableList<TrialOutcome> Completed { get; init; } = [];

    public ImmutableHashSet<TrialKey> Committed { get; init; } = [];

    /// <summary>
    /// Committed trials of the jobs this one continues (search.continue_from), oldest job first, in
    /// commit order: the planner was built with them; they are never run again.
    /// </summary>
    public ImmutableList<InheritedTrial> History { get; init; } = [];

    /// <summary>The jobs this one continues, nearest first (empty for a fresh search).</summary>
    public ImmutableList<string> Ancestors { get; init; } = [];

    public CostLedger? Cost { get; init; }

    public int NextWorkerNumber { get; init; } = 1;

    public string JobId => Job.JobId;

    public ITrialPlanner Search => Planner ?? throw new InvalidOperationException($"job {JobId} has no search plan.");

    /// <summary>A job as loaded from the store (at scheduling, or after a restart).</summary>
    public static JobSnapshot Of(
        Job job, ITrialPlanner? planner, LifecycleOptions options, IEnumerable<TrialResult> results, IEnumerable<WorkerRecord> workers, CostLedger? cost, DateTimeOffset now)
    {
        var snapshot = new JobSnapshot { Job = job, Planner = planner, Options = options, Cost = cost };
        foreach (var result in results)
        {
            snapshot = snapshot.WithResult(result);
        }

        var views = workers.OrderBy(w => Handout.WorkerNumber(w.WorkerId)).Select(w => new WorkerView(w, now)).ToImmutableList();
        return snapshot with
        {
            Workers = views,
            NextWorkerNumber = views.Count == 0 ? 1 : views.Max(w => Handout.WorkerNumber(w.Id)) + 1,
        };
    }

    public WorkerView? Worker(string workerId) => Workers.Find(w => w.Id == workerId);

    public bool IsCommitted(TrialKey key) => Committed.Contains(key);

    /// <summary>Trials a worker holds that are not committed yet.</summary>
    public IReadOnlyList<TrialToRun> Outstanding(WorkerView worker) => worker.Record.Assigned.Where(t => !IsCommitted(TrialKey.Of(t))).ToList();

    public JobSnapshot WithResult(TrialResult result) =>
        Committed.Contains(TrialKey.Of(result))
            ? this
            : this with
            {
                Results = Results.Add(result),
                Completed = Completed.Add(SearchMapping.ToOutcome(result)),
                Committed = Committed.Add(TrialKey.Of(result)),
            };
}
