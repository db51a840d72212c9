using Burst.ControlPlane.Agents;
using Burst.ControlPlane.Store;
using Burst.Training.Search;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Runtime;

/// <summary>(trial_id, rung): what identifies a trial.</summary>
internal readonly record struct TrialKey(int TrialId, int Rung)
{
    public static TrialKey Of(TrialToRun t) => new(t.TrialId, t.Rung);

    public static TrialKey Of(TrialResult r) => new(r.TrialId, r.Rung);

    public static TrialKey Of(TrialSpec s) => new(s.TrialId, s.Rung);
}

/// <summary>
/// The in-memory side of a job that is provisioning, running or cancelling: the last committed Job,
/// its planner and committed outcomes, and its workers with their live streams. Everything here is
/// read and changed only while holding <see cref="Gate"/>, and changed only after the store committed.
/// </summary>
internal sealed class ActiveJob
{
    private readonly Dictionary<TrialKey, TrialOutcome> _outcomes = [];
    private readonly List<TrialOutcome> _inCommitOrder = [];
    private readonly List<WorkerSlot> _workers = [];

    public ActiveJob(Job job, ITrialPlanner planner, IEnumerable<TrialResult> committed, IEnumerable<WorkerRecord> workers, DateTimeOffset now)
    {
        Job = job;
        Planner = planner;
        foreach (var result in committed)
        {
            Add(result);
        }

        foreach (var record in workers.OrderBy(w => WorkerNumber(w.WorkerId)))
        {
            _workers.Add(new WorkerSlot(record, now));
        }

        NextWorkerNumber = _workers.Count == 0 ? 1 : _workers.Max(w => WorkerNumber(w.Id)) + 1;
    }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The job's trace (its root span's context, as stored): the parent of everything the control plane does for it.</summary>
    public System.Diagnostics.ActivityContext Trace { get; init; }

    public string JobId => Job.JobId;

    public Job Job { get; set; }

    public ITrialPlanner Planner { get; }

    /// <summary>The job reached a terminal state and left the coordinator; nothing may change it any more.</summary>
    public bool Closed { get; set; }

    public int NextWorkerNumber { get; set; }

    /// <summary>Counts the job's machine time when its provider charges for it; null otherwise.</summary>
    public CostMeter? Cost { get; set; }

    /// <summary>Committed trial results in the order they were committed (what an adaptive planner learns from).</summary>
    public IReadOnlyList<TrialOutcome> Completed => _inCommitOrder;

    public IReadOnlyList<WorkerSlot> Workers => _workers;

    public bool IsCommitted(TrialKey key) => _outcomes.ContainsKey(key);

    public WorkerSlot? Worker(string workerId) => _workers.Find(w => w.Id == workerId);

    /// <summary>Takes in what a commit wrote.</summary>
    public void Apply(JobCommit commit, DateTimeOffset now)
    {
        Job = commit.Job;
        foreach (var record in commit.Workers)
        {
            if (Worker(record.WorkerId) is { } slot)
            {
                slot.Record = record;
            }
            else
            {
                _workers.Add(new WorkerSlot(record, now));
            }
        }

        foreach (var result in commit.Trials)
        {
            Add(result);
        }
    }

    private void Add(TrialResult result)
    {
        var outcome = SearchMapping.ToOutcome(result);
        if (_outcomes.TryAdd(TrialKey.Of(result), outcome))
        {
            _inCommitOrder.Add(outcome);
        }
    }

    /// <summary>Trials a worker holds that are not committed yet.</summary>
    public List<TrialToRun> Outstanding(WorkerSlot worker) => worker.Record.Assigned.Where(t => !IsCommitted(TrialKey.Of(t))).ToList();

    /// <summary>The search's progress if <paramref name="extra"/> were committed too.</summary>
    public Progress ProgressWith(TrialResult? extra, DateTimeOffset now)
    {
        var completed = _inCommitOrder.ToList();
        if (extra is not null && !IsCommitted(TrialKey.Of(extra)))
        {
            completed.Add(SearchMapping.ToOutcome(extra));
        }

        var progress = new Progress
        {
            TrialsDone = completed.Count,
            TrialsTotal = Math.Max(Planner.EstimatedTotalTrials, completed.Count),
            Phase = "search",
            RoundsDone = completed.Sum(o => (long)o.Trial.Rounds * Math.Max(1, o.FoldScores.Count)),
        };
        if (completed.Count > 0)
        {
            var best = Planner.Best(completed);
            progress.BestScore = best.MeanScore;
            progress.BestParams = SearchMapping.ToParamSet(best.Trial.Params);
            if (Job.StartTime is { } started && now > started.ToDateTimeOffset())
            {
                var perTrial = (now - started.ToDateTimeOffset()) / completed.Count;
                var remaining = Math.Max(0, progress.TrialsTotal - completed.Count);
                progress.Eta = Duration.FromTimeSpan(perTrial * remaining);
            }
        }

        return progress;
    }

    private static int WorkerNumber(string workerId) =>
        workerId.StartsWith("w-", StringComparison.Ordinal) && int.TryParse(workerId.AsSpan(2), out var n) ? n : 0;
}

/// <summary>A worker of an active job: its committed record, its current stream, and when it was last heard.</summary>
internal sealed class WorkerSlot(WorkerRecord record, DateTimeOffset lastSeen)
{
    public string Id => Record.WorkerId;

    public WorkerRecord Record { get; set; } = record;

    public AgentSession? Session { get; set; }

    public DateTimeOffset LastSeen { get; set; } = lastSeen;

    /// <summary>Trials it runs at once, as its agent said (PROTOCOL.md, 2); 0 until it asked for work.</summary>
    public int Slots { get; set; }

    /// <summary>Cores its agent reported in Hello.</summary>
    public int Cores { get; set; }

    /// <summary>Not lost and not exited: the worker may still attach and holds its trials.</summary>
    public bool IsLive => Record.State is not (WorkerState.Lost or WorkerState.Exited);

    public bool IsAttached => Session is not null && Record.State == WorkerState.Attached;
}
