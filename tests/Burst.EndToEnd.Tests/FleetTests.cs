using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;

namespace Burst.EndToEnd.Tests;

/// <summary>
/// One search shared by a fleet of real agents: a worker SIGKILLed mid-run, successive halving that
/// loses a worker, a skewed search that must keep both workers busy, a cancelled fleet. Every
/// assertion reads the order and the worker of the trial events, never how long anything took.
/// </summary>
public sealed class FleetTests
{
    /// <summary>
    /// What one worker may hold beyond the trial it is running when trials are handed out on
    /// demand (its running slot plus a small prefetch), with one slot per worker.
    /// </summary>
    private const int HeldPerWorker = 3;

    [Fact]
    public async Task Three_workers_with_one_sigkilled_mid_run_succeed_with_exactly_the_requested_trials_and_no_duplicates()
    {
        await using var server = await BurstServer.StartAsync();
        var spec = Specs.SlowCensus(configs: 9);
        spec.Search.Workers = 3;
        var run = new FleetRun();

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: run.KillOnFirstTrial);

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
        Assert.NotNull(run.Killed);
        AssertEachTrialOnce(events, Enumerable.Range(0, 9));
        Assert.Contains(events, e => e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.WorkerId == run.Killed && e.Worker.State == WorkerState.Lost);
        await run.AssertNoAgentLeftAsync();
    }

    [Fact]
    public async Task Successive_halving_that_loses_a_worker_mid_rung_finishes_every_rung_once()
    {
        await using var server = await BurstServer.StartAsync();
        var spec = Specs.SlowCensus(configs: 10);
        spec.Search.Strategy = SearchStrategy.SuccessiveHalving;
        spec.Search.Workers = 2;
        var run = new FleetRun();

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: run.KillOnFirstTrial);

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
        Assert.NotNull(run.Killed);
        var trials = Trials(events);
        Assert.Equal(trials.Count, trials.Select(t => (t.TrialId, t.Rung)).Distinct().Count());
        var rungs = trials.GroupBy(t => t.Rung).OrderBy(g => g.Key).Select(g => g.Select(t => t.TrialId).ToHashSet()).ToList();
        Assert.True(rungs.Count >= 2, $"only {rungs.Count} rung(s) ran");
        Assert.Equal(Enumerable.Range(0, 10).ToHashSet(), rungs[0]);
        for (var r = 1; r < rungs.Count; r++)
        {
            // Promotions come from the rung below, and each rung keeps fewer candidates.
            Assert.Subset(rungs[r - 1], rungs[r]);
            Assert.True(rungs[r].Count < rungs[r - 1].Count, $"rung {r} kept {rungs[r].Count} of {rungs[r - 1].Count}");
        }

        var result = events.Single(e => e.KindCase == JobEvent.KindOneofCase.Result).Result;
        Assert.Contains(result.BestTrialId, rungs[^1]);
        await run.AssertNoAgentLeftAsync();
    }

    [Fact]
    [Trait("needs", "on-demand")]
    public async Task A_skewed_explicit_search_keeps_both_workers_busy_to_the_end()
    {
        await using var server = await BurstServer.StartAsync();
        var spec = SkewedSearch();
        var run = new FleetRun();

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: run.Track);

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
        var trials = Trials(events);
        AssertEachTrialOnce(events, Enumerable.Range(0, 24));
        var workers = trials.Select(t => t.WorkerId).Distinct().ToList();
        Assert.Equal(2, workers.Count);

        // Handed out on demand, a worker runs dry only once the queue is empty; the other then has
        // at most what it holds left to report. Split evenly up front, the worker that drew the six
        // expensive configs (50x the work of a cheap one) still has most of its share to run.
        foreach (var worker in workers)
        {
            var last = trials.FindLastIndex(t => t.WorkerId == worker);
            var after = trials.Skip(last + 1).Count();
            Assert.True(after <= HeldPerWorker, $"{after} trials reported after {worker}'s last one: {string.Join(", ", trials.Select(t => $"{t.TrialId}@{t.WorkerId}"))}");
        }

        await run.AssertNoAgentLeftAsync();
    }

    [Fact]
    public async Task Cancelling_a_fleet_stops_every_worker()
    {
        await using var server = await BurstServer.StartAsync();
        var spec = Specs.SlowCensus(configs: 12);
        spec.Search.Workers = 3;
        var run = new FleetRun();
        var cancelled = false;

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: async e =>
        {
            await run.Track(e);
            if (e.KindCase == JobEvent.KindOneofCase.Trial && !cancelled && run.Attached.Count == 3)
            {
                cancelled = true;
                await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId, Reason = "test" });
            }
        });

        Assert.True(Watcher.FinalState(events) == JobState.Cancelled, server.Log);
        Assert.True(cancelled, "the job ended before all three workers attached and one reported a trial");
        Assert.Equal(3, run.Attached.Count);
        Assert.True(Trials(events).Count < 12, "the job ran to the end");
        await run.AssertNoAgentLeftAsync();
    }

    [Fact]
    public async Task Three_gce_workers_with_one_agent_sigkilled_succeed_with_exactly_the_requested_trials_and_no_instance_left()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);
        var spec = Specs.SlowCensus(configs: 9);
        spec.Search.Workers = 3;
        spec.Dataset = new Dataset { TrainUri = FakeGoogleCloud.TrainUri, TestUri = FakeGoogleCloud.TestUri };
        spec.Resources = new Resources { Provider = "gce", MachineType = "e2-standard-4", Zones = { "us-central1-a" } };
        spec.Output = new Output { ModelUri = $"gs://{FakeGoogleCloud.ModelBucket}/fleet" };
        string? killed = null;

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: e =>
        {
            if (e.KindCase == JobEvent.KindOneofCase.Trial && killed is null)
            {
                // The agent dies and its VM stays up: only the missing heartbeats tell.
                var vm = cloud.Compute.Instances.First(i => i.Labels.GetValueOrDefault("burst-worker") == e.Trial.WorkerId);
                killed = e.Trial.WorkerId;
                vm.Kill();
            }

            return Task.CompletedTask;
        });

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, $"{server.Log}\n{cloud.AgentLogs()}");
        Assert.NotNull(killed);
        AssertEachTrialOnce(events, Enumerable.Range(0, 9));
        Assert.Contains(events, e => e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.WorkerId == killed && e.Worker.State == WorkerState.Lost);
        await cloud.WaitForNoInstancesAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>24 configs on 2 workers × 1 slot; the 6 expensive ones sit at indices 0, 2, ..., 10.</summary>
    private static JobSpec SkewedSearch()
    {
        // One trial at a time per worker: every core of this machine to each trial.
        var search = new Search { Strategy = SearchStrategy.Explicit, Folds = 3, Workers = 2, Threads = Environment.ProcessorCount };
        for (var i = 0; i < 24; i++)
        {
            var expensive = i <= 10 && i % 2 == 0;
            var config = new ParamSet();
            config.Values.Add("max_depth", expensive ? 8 : 2);
            config.Values.Add("n_estimators", expensive ? 300 : 20);
            config.Values.Add("learning_rate", 0.05 + (0.001 * i));
            search.Configs.Add(config);
        }

        return new JobSpec { DisplayName = "e2e skewed fleet", Search = search };
    }

    private static List<TrialResult> Trials(IEnumerable<JobEvent> events) =>
        events.Where(e => e.KindCase == JobEvent.KindOneofCase.Trial).Select(e => e.Trial).ToList();

    private static void AssertEachTrialOnce(IReadOnlyList<JobEvent> events, IEnumerable<int> trialIds)
    {
        var trials = Trials(events);
        Assert.Equal(trialIds.Order(), trials.Select(t => t.TrialId).Order());
        Assert.Equal(trials.Count, trials.Select(t => (t.TrialId, t.Rung)).Distinct().Count());
    }

    /// <summary>The agents a job's events name, and a SIGKILL for one of them.</summary>
    private sealed class FleetRun
    {
        public Dictionary<string, int> Attached { get; } = new(StringComparer.Ordinal);

        /// <summary>Every agent process the job ever had, replacements included.</summary>
        public HashSet<int> Pids { get; } = [];

        public string? Killed { get; private set; }

        public Task Track(JobEvent e)
        {
            if (e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.State == WorkerState.Attached)
            {
                var pid = Watcher.ParsePid(e.Worker.Instance);
                Attached[e.Worker.WorkerId] = pid;
                Pids.Add(pid);
            }

            return Task.CompletedTask;
        }

        /// <summary>SIGKILLs the worker that reported the first trial: it has more in flight.</summary>
        public async Task KillOnFirstTrial(JobEvent e)
        {
            await Track(e);
            if (e.KindCase == JobEvent.KindOneofCase.Trial && Killed is null && Attached.TryGetValue(e.Trial.WorkerId, out var pid))
            {
                Killed = e.Trial.WorkerId;
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone: the job is over for it anyway.
                }
            }
        }

        public async Task AssertNoAgentLeftAsync()
        {
            Assert.NotEmpty(Pids);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (Pids.Any(ProcessRunner.IsAlive))
            {
                Assert.True(DateTime.UtcNow < deadline, $"agents still running: {string.Join(", ", Pids.Where(ProcessRunner.IsAlive))}");
                await Task.Delay(100);
            }
        }
    }
}
