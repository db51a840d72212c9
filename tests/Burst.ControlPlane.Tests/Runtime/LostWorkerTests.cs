using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Microsoft.Extensions.Time.Testing;

namespace Burst.ControlPlane.Tests.Runtime;

public sealed class LostWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeWorkerProvider _provider = new();
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await TestControlPlane.StartAsync(_provider, _time, configure: o => o.HeartbeatTimeout = Timeout);

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task A_silent_worker_is_lost_and_its_replacement_finishes_without_recomputing_finished_trials()
    {
        _provider.Behavior = launch => launch.WorkerId == "w-1" ? new FakeAgentBehavior { SilentAfterTrials = 4 } : new FakeAgentBehavior();
        var job = await _cp.SubmitAsync(TestControlPlane.SmallSpec(10));
        var first = await _provider.AgentAsync(job.JobId, "w-1");
        await WaitForTrialsAsync(job.JobId, 4);

        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        var lost = await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Lost);
        var replacement = await _provider.AgentAsync(job.JobId, "w-2");
        var finished = await _cp.FinishedAsync(job.JobId);
        var events = await _cp.WatchAsync(job.JobId);

        Assert.Contains("heartbeat timeout", lost.Worker.Reason, StringComparison.Ordinal);
        Assert.Equal("shutdown", await first.Ended.WaitAsync(TestControlPlane.Patience));
        var doneByFirst = events.Where(e => e.Trial?.WorkerId == "w-1").Select(e => e.Trial.TrialId).ToHashSet();
        Assert.Equal(4, doneByFirst.Count);
        Assert.DoesNotContain(replacement.TrialsReceived, t => doneByFirst.Contains(t.TrialId));
        Assert.Equal(6, replacement.TrialsReceived.Count());
        Assert.Equal(Enumerable.Range(0, 10), events.Where(e => e.Trial is not null).Select(e => e.Trial.TrialId).Order());
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(1, finished.Restarts);
        Assert.Contains("w-1", _provider.Stopped);
    }

    [Fact]
    public async Task When_the_restarts_are_used_up_a_lost_worker_fails_the_job_with_worker_lost()
    {
        _provider.Behavior = _ => new FakeAgentBehavior { SilentAfterTrials = 0 };
        var spec = TestControlPlane.SmallSpec();
        spec.Limits = new Limits { MaxRestarts = 1 };
        var job = await _cp.SubmitAsync(spec);
        await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Attached);

        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        await _cp.WaitForWorkerAsync(job.JobId, "w-2", WorkerState.Attached);
        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        var failed = await _cp.FinishedAsync(job.JobId);
        var events = await _cp.WatchAsync(job.JobId);

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("WORKER_LOST", failed.Error.Reason);
        Assert.Contains("w-2", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("max_restarts", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, failed.Restarts);
        Assert.Equal("WORKER_LOST", events[^1].StateChanged.Error.Reason);
        Assert.Equal(2, events.Count(e => e.Worker?.State == WorkerState.Lost));
    }

    [Fact]
    public async Task A_worker_whose_process_exits_is_lost_at_once_and_replaced()
    {
        _provider.Behavior = launch => launch.WorkerId == "w-1" ? new FakeAgentBehavior { Gate = new TaskCompletionSource() } : new FakeAgentBehavior();
        var job = await _cp.SubmitAsync();
        await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Attached);
        var first = await _provider.AgentAsync(job.JobId, "w-1");

        await first.KillAsync();
        _provider.Exits!.Report(new WorkerExit(job.JobId, "w-1", "the agent process 4242 exited with code 137"));
        var lost = await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Lost);
        var finished = await _cp.FinishedAsync(job.JobId);

        Assert.Contains("exited with code 137", lost.Worker.Reason, StringComparison.Ordinal);
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(1, finished.Restarts);
    }

    [Fact]
    public async Task A_job_past_its_max_runtime_fails_with_deadline_exceeded_and_its_agent_is_cancelled()
    {
        _provider.Behavior = _ => new FakeAgentBehavior { Gate = new TaskCompletionSource() };
        var spec = TestControlPlane.SmallSpec();
        spec.Limits = new Limits { MaxRuntime = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(5)) };
        var job = await _cp.SubmitAsync(spec);
        await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Attached);
        var agent = await _provider.AgentAsync(job.JobId, "w-1");

        _time.Advance(TimeSpan.FromMinutes(6));
        var failed = await _cp.FinishedAsync(job.JobId);

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("DEADLINE_EXCEEDED", failed.Error.Reason);
        Assert.Equal("cancel", await agent.Ended.WaitAsync(TestControlPlane.Patience));
    }

    private async Task WaitForTrialsAsync(string jobId, int count)
    {
        var seen = 0;
        await _cp.WaitForEventAsync(jobId, e => e.Trial is not null && ++seen == count);
    }
}
