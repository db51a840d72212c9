using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;

namespace Burst.ControlPlane.Tests.Telemetry;

[Collection(nameof(MetricsCollection))]
public sealed class MetricsTests
{
    private const string JobState = TelemetryTags.JobState;

    [Fact]
    public async Task The_metrics_follow_a_job_from_submit_to_success()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var telemetry = new Support.Telemetry();
        var provider = new FakeWorkerProvider { Behavior = _ => new FakeAgentBehavior { Gate = gate } };
        await using var cp = await TestControlPlane.StartAsync(provider, services: telemetry.Services);
        telemetry.Attach(cp);

        var idle = telemetry.Collect();
        var job = await cp.SubmitAsync(TestControlPlane.SmallSpec(6));
        await cp.WaitForStateAsync(job.JobId, V1.JobState.Running);

        // One watcher stays open while the job runs.
        using var watch = cp.Jobs.WatchJob(new WatchJobRequest { JobId = job.JobId });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        var running = await CollectWhenAsync(telemetry, m => m.LongSum("burst.watchers") == 1);

        gate.SetResult();
        var finished = await cp.FinishedAsync(job.JobId);
        watch.Dispose();
        var done = await CollectWhenAsync(telemetry, m => m.LongSum("burst.watchers") == 0);

        // Before any job: every state is there, at zero.
        Assert.Equal(0, idle.LongSum("burst.jobs"));
        Assert.Equal(0, idle.LongSum("burst.jobs", (JobState, "queued")));
        Assert.Equal(0, idle.LongSum("burst.events"));

        // Running: one job in that state, nothing finished, one watcher, queue wait measured once.
        Assert.Equal(1, running.LongSum("burst.jobs", (JobState, "running")));
        Assert.Equal(0, running.LongSum("burst.jobs", (JobState, "queued")));
        Assert.Equal(0, running.LongSum("burst.jobs", (JobState, "succeeded")));
        Assert.Equal(1, running.HistogramCount("burst.job.queue_wait", (TelemetryTags.Provider, "local")));
        Assert.Equal(0, running.HistogramCount("burst.job.duration"));
        Assert.Equal(0, running.LongSum("burst.trials"));

        // Done: the job moved to succeeded; every trial and every committed event was counted once.
        Assert.Equal(V1.JobState.Succeeded, finished.State);
        Assert.Equal(1, done.LongSum("burst.jobs", (JobState, "succeeded")));
        Assert.Equal(0, done.LongSum("burst.jobs", (JobState, "running")));
        Assert.Equal(6, done.LongSum("burst.trials", (TelemetryTags.Provider, "local")));
        Assert.Equal(6, done.HistogramCount("burst.trial.duration"));
        Assert.Equal(1, done.HistogramCount("burst.job.duration", (JobState, "succeeded"), (TelemetryTags.Provider, "local")));
        Assert.Equal(finished.LastSequence, done.LongSum("burst.events"));
        Assert.Equal(6, done.LongSum("burst.events", (TelemetryTags.EventKind, "trial")));
        Assert.Equal(1, done.LongSum("burst.events", (TelemetryTags.EventKind, "result")));

        // Local workers cost nothing, and say so: the series exists at zero.
        Assert.True(done.Has("burst.vm.time"));
        Assert.Equal(0, done.DoubleSum("burst.vm.time", (TelemetryTags.Provider, "local")));
        Assert.Equal(0, done.DoubleSum("burst.cost", (TelemetryTags.Provider, "local")));
        Assert.Equal("s", done.Unit("burst.job.duration"));
        Assert.Equal("{USD}", done.Unit("burst.cost"));
    }

    [Fact]
    public async Task A_jobs_cost_counts_by_its_growth_also_across_a_restart_and_the_provider_api_adds_to_it()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var telemetry = new Support.Telemetry();
        var provider = new FakeWorkerProvider { Behavior = _ => new FakeAgentBehavior { Gate = gate } };
        await using var cp = await TestControlPlane.StartAsync(provider, services: telemetry.Services);
        telemetry.Attach(cp);
        var store = cp.Services.GetRequiredService<IJobStore>();
        var metrics = cp.Services.GetRequiredService<ControlPlaneMetrics>();
        var job = await cp.SubmitAsync(TestControlPlane.SmallSpec(2));
        await cp.WaitForStateAsync(job.JobId, V1.JobState.Running);

        // Once the agent holds both trials (it asked, and the hand-out is committed) the coordinator writes nothing until the gate opens.
        var agent = await provider.AgentAsync(job.JobId, "w-1");
        using (var patience = new CancellationTokenSource(TestControlPlane.Patience))
        {
            while (agent.TrialsReceived.Count() < 2)
            {
                await Task.Delay(10, patience.Token);
            }
        }

        // Cost is a running total: 10 s, then 25 s, count 25 s.
        await CommitCostAsync(store, job.JobId, vmSeconds: 10, usd: 0.10);
        await CommitCostAsync(store, job.JobId, vmSeconds: 25, usd: 0.30);
        var live = telemetry.Collect();

        // A restarted control plane starts from the stored total: 25 -> 40 counts 15 more.
        using (var restarted = new MeteredJobStore(new SqliteJobStore(cp.DataDir), metrics))
        {
            await CommitCostAsync(restarted, job.JobId, vmSeconds: 40, usd: 0.50);
        }

        gate.SetResult();
        await cp.FinishedAsync(job.JobId);
        metrics.RecordVmSeconds(30, "gce", "c2-standard-60");
        metrics.RecordCost(0.25, "gce");
        metrics.RecordReaperDeletions(2, "gce");
        var done = telemetry.Collect();

        Assert.Equal(25, live.DoubleSum("burst.vm.time", (TelemetryTags.Provider, "local")), 6);
        Assert.Equal(0.30, live.DoubleSum("burst.cost", (TelemetryTags.Provider, "local")), 6);
        Assert.Equal(40, done.DoubleSum("burst.vm.time", (TelemetryTags.Provider, "local")), 6);
        Assert.Equal(0.50, done.DoubleSum("burst.cost", (TelemetryTags.Provider, "local")), 6);
        Assert.Equal(3, done.LongSum("burst.events", (TelemetryTags.EventKind, "cost")));
        Assert.Equal(30, done.DoubleSum("burst.vm.time", (TelemetryTags.Provider, "gce"), (TelemetryTags.MachineType, "c2-standard-60")), 6);
        Assert.Equal(0.25, done.DoubleSum("burst.cost", (TelemetryTags.Provider, "gce")), 6);
        Assert.Equal(2, done.LongSum("burst.reaper.deletions", (TelemetryTags.Provider, "gce")));
    }

    private static async Task CommitCostAsync(IJobStore store, string jobId, double vmSeconds, double usd)
    {
        var job = (await store.GetJobAsync(jobId, CancellationToken.None))!;
        job.Cost = new Cost { VmSeconds = vmSeconds, EstimatedUsd = usd };
        var commit = new JobCommit(job);
        commit.Events.Add(new JobEvent { Time = Timestamp.FromDateTime(DateTime.UtcNow), Cost = job.Cost.Clone() });
        await store.CommitAsync(commit, CancellationToken.None);
    }

    /// <summary>Collects until the condition holds: server-side ends of streams land a moment after the client's.</summary>
    private static async Task<MetricsView> CollectWhenAsync(Support.Telemetry telemetry, Func<MetricsView, bool> condition)
    {
        using var patience = new CancellationTokenSource(TestControlPlane.Patience);
        while (true)
        {
            var view = telemetry.Collect();
            if (condition(view))
            {
                return view;
            }

            await Task.Delay(50, patience.Token);
        }
    }
}
