using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Tests.Support;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Runtime;

public sealed class RestartTests : IAsyncDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("burst-cp-restart-").FullName;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dataDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_restarted_control_plane_loses_nothing_and_the_reattaching_agent_completes_the_job()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new FakeWorkerProvider { Behavior = _ => new FakeAgentBehavior { Gate = gate } };
        var before = await TestControlPlane.StartAsync(provider, dataDir: _dataDir, configure: o => o.MaxConcurrentJobs = 1);
        var job = await before.SubmitAsync(TestControlPlane.SmallSpec(8));
        await before.WaitForStateAsync(job.JobId, JobState.Running);
        var queued = await before.SubmitAsync();
        var cancelled = await before.SubmitAsync();
        await before.Jobs.CancelJobAsync(new CancelJobRequest { JobId = cancelled.JobId });
        var agent = await provider.AgentAsync(job.JobId, "w-1");
        var eventsBefore = await EventsUpToAsync(before, job.JobId);

        await before.StopAsync();
        await using var after = await TestControlPlane.StartAsync(provider, dataDir: _dataDir, configure: o => o.MaxConcurrentJobs = 1);
        provider.Url = () => after.Address.ToString();
        gate.SetResult();
        var finished = await after.FinishedAsync(job.JobId);
        var events = await after.WatchAsync(job.JobId);
        var resumed = await after.WatchAsync(job.JobId, eventsBefore[^1].Sequence);

        Assert.Equal(eventsBefore, events.Take(eventsBefore.Count));
        Assert.Equal(events.Skip(eventsBefore.Count), resumed);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(0, finished.Restarts);
        Assert.Equal(Enumerable.Range(0, 8), events.Where(e => e.Trial is not null).Select(e => e.Trial.TrialId).Order());
        Assert.True(agent.Received.Count(m => m.Assignment is not null) >= 2);
        Assert.Equal(JobState.Cancelled, (await after.Jobs.GetJobAsync(new GetJobRequest { JobId = cancelled.JobId })).State);
        Assert.Equal(JobState.Succeeded, (await after.FinishedAsync(queued.JobId)).State);
        Assert.Single(provider.Launches, l => l.JobId == job.JobId);
    }

    [Fact]
    public async Task After_a_restart_a_worker_whose_process_is_gone_is_replaced_and_finished_trials_are_kept()
    {
        var provider = new FakeWorkerProvider { Behavior = _ => new FakeAgentBehavior { SilentAfterTrials = 3 } };
        var before = await TestControlPlane.StartAsync(provider, dataDir: _dataDir);
        var job = await before.SubmitAsync(TestControlPlane.SmallSpec(8));
        var seen = 0;
        await before.WaitForEventAsync(job.JobId, e => e.Trial is not null && ++seen == 3);
        var first = await provider.AgentAsync(job.JobId, "w-1");
        await first.KillAsync();
        await before.StopAsync();

        provider.AdoptAnswer = WorkerLiveness.Gone;
        provider.Behavior = _ => new FakeAgentBehavior();
        await using var after = await TestControlPlane.StartAsync(provider, dataDir: _dataDir);
        provider.Url = () => after.Address.ToString();
        var replacement = await provider.AgentAsync(job.JobId, "w-2");
        var finished = await after.FinishedAsync(job.JobId);
        var events = await after.WatchAsync(job.JobId);

        var doneBefore = events.Where(e => e.Trial?.WorkerId == "w-1").Select(e => e.Trial.TrialId).ToHashSet();
        Assert.Equal(3, doneBefore.Count);
        Assert.DoesNotContain(replacement.TrialsReceived, t => doneBefore.Contains(t.TrialId));
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(1, finished.Restarts);
        Assert.Contains(events, e => e.Worker is { WorkerId: "w-1", State: WorkerState.Lost });
    }

    private static async Task<List<JobEvent>> EventsUpToAsync(TestControlPlane cp, string jobId)
    {
        var job = await cp.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId });
        var events = new List<JobEvent>();
        using var call = cp.Jobs.WatchJob(new WatchJobRequest { JobId = jobId });
        while (events.Count < job.LastSequence && await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current);
        }

        return events;
    }
}
