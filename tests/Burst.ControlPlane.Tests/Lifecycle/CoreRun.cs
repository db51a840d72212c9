using Burst.ControlPlane.Jobs;
using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Runtime;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Lifecycle;

/// <summary>
/// Drives the lifecycle core alone: no server, no store, no clock. Each stimulus is decided at
/// <see cref="Now"/>, which only <see cref="Advance"/> moves; the decision's next state is taken in as a
/// shell would after committing, and every commit and effect is kept for the assertions.
/// </summary>
internal sealed class CoreRun
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly LifecycleOptions Options = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));

    private readonly Dictionary<string, long> _sequences = [];

    private CoreRun(JobSnapshot state) => State = state;

    public JobSnapshot State { get; private set; }

    public DateTimeOffset Now { get; private set; } = T0;

    public List<Decision> Decisions { get; } = [];

    public IEnumerable<JobEvent> Events => Decisions.Where(d => d.Commit is not null).SelectMany(d => d.Commit!.Events);

    public IEnumerable<Effect> Effects => Decisions.SelectMany(d => d.Effects);

    public Job Job => State.Job;

    /// <summary>A job as SubmitJob stores it (defaults filled), then scheduled.</summary>
    public static CoreRun Scheduled(JobSpec spec, double hourlyUsd = 0)
    {
        var run = Queued(spec);
        run.Do(new Scheduled(true, Burst.Contracts.SearchMapping.CreatePlanner(run.Job.Spec), null, hourlyUsd));
        return run;
    }

    public static CoreRun Queued(JobSpec spec)
    {
        var job = new Job
        {
            JobId = "j-core",
            State = JobState.Queued,
            Spec = JobSpecRules.WithDefaults(spec, "j-core", "/data"),
            CreateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(T0),
        };
        return new CoreRun(JobSnapshot.Of(job, null, Options, [], [], null, T0));
    }

    public static JobSpec Spec(int trials = 6, int workers = 1, SearchStrategy strategy = SearchStrategy.Random) =>
        new() { Search = new Search { Trials = trials, Workers = workers, Strategy = strategy } };

    /// <summary>
    /// An explicit search of <paramref name="rounds"/>.Length configs, config i boosting rounds[i]
    /// trees of depth 4 (all 50 when not given): its hand-out order is known from the work alone.
    /// </summary>
    public static JobSpec Explicit(int trials, int workers = 1, params int[] rounds)
    {
        var search = new Search { Strategy = SearchStrategy.Explicit, Workers = workers };
        for (var i = 0; i < trials; i++)
        {
            search.Configs.Add(new ParamSet
            {
                Values = { ["max_depth"] = 4, ["n_estimators"] = i < rounds.Length ? rounds[i] : 50, ["learning_rate"] = 0.1 + (0.001 * i) },
            });
        }

        return new JobSpec { Search = search };
    }

    public void Advance(TimeSpan by) => Now += by;

    public Decision Do(Stimulus stimulus)
    {
        var decision = JobCore.Decide(State, stimulus, Now);
        Decisions.Add(decision);
        if (decision.Refusal is null)
        {
            State = decision.Next;
        }

        return decision;
    }

    public Decision Attach(string workerId, int cores = 2) =>
        Do(new WorkerAttached(workerId, new Hello { JobId = Job.JobId, WorkerId = workerId, Cores = cores, Hostname = "test" }));

    public Decision Report(string workerId, Report report)
    {
        report.Sequence = _sequences[workerId] = _sequences.GetValueOrDefault(workerId) + 1;
        return Do(new ReportReceived(workerId, report));
    }

    public Decision Ask(string workerId, int freeSlots, int held = 0) =>
        Report(workerId, new Report { WorkRequest = new WorkRequest { FreeSlots = freeSlots, Held = held } });

    /// <summary>The worker reports one trial it holds; a deeper tree scores better, so the best is predictable.</summary>
    public Decision Finish(string workerId, TrialToRun trial, double? score = null) =>
        Report(workerId, new Report { Trial = ResultOf(trial, score) });

    public static TrialResult ResultOf(TrialToRun trial, double? score = null)
    {
        var mean = score ?? (0.8 + (trial.Params.Values.GetValueOrDefault("max_depth") / 100) + (trial.TrialId / 10_000.0) + (trial.Rung / 10.0));
        return new TrialResult
        {
            TrialId = trial.TrialId,
            Rung = trial.Rung,
            Rounds = trial.Rounds,
            Params = trial.Params,
            FoldScores = { mean, mean, mean },
            MeanScore = mean,
            Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
        };
    }

    /// <summary>Trials the worker holds that are not committed.</summary>
    public IReadOnlyList<TrialToRun> Held(string workerId) => State.Outstanding(State.Worker(workerId)!);

    /// <summary>Every message the core had sent to the worker, in order.</summary>
    public IEnumerable<ControlMessage> SentTo(string workerId) =>
        Effects.OfType<SendToAgent>().Where(s => s.WorkerId == workerId).Select(s => s.Message);

    public IEnumerable<TrialToRun> HandedTo(string workerId) => SentTo(workerId).Where(m => m.RunTrials is not null).SelectMany(m => m.RunTrials.Trials);

    /// <summary>Finishes every trial the worker holds, in order.</summary>
    public void FinishAll(string workerId)
    {
        foreach (var trial in Held(workerId).ToList())
        {
            Finish(workerId, trial);
        }
    }

    /// <summary>The provider started the worker and its agent attached and asked for work.</summary>
    public void Bring(string workerId, int slots = 1)
    {
        Do(new WorkerProvisioned(workerId, new WorkerInstance($"vm-{workerId}", null, null)));
        Attach(workerId);
        Ask(workerId, slots);
    }
}
