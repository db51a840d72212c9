using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class CancelJobTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await TestControlPlane.StartAsync(
            new FakeWorkerProvider { Behavior = _ => new FakeAgentBehavior { Gate = _gate } },
            configure: o => o.MaxConcurrentJobs = 1);

    public async Task DisposeAsync()
    {
        _gate.TrySetResult();
        await _cp.DisposeAsync();
    }

    [Fact]
    public async Task A_queued_job_is_cancelled_at_once_and_cancelling_again_changes_nothing()
    {
        var running = await _cp.SubmitAsync();
        await _cp.WaitForStateAsync(running.JobId, JobState.Running);
        var queued = await _cp.SubmitAsync();

        var cancelled = await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = queued.JobId, Reason = "changed my mind" });
        var again = await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = queued.JobId });
        var events = await _cp.WatchAsync(queued.JobId);

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(cancelled, again);
        Assert.Equal("changed my mind", events[^1].StateChanged.Reason);
        Assert.Equal([JobState.Queued, JobState.Cancelled], events.Select(e => e.StateChanged.State));
    }

    [Fact]
    public async Task A_running_job_is_cancelled_its_agent_told_and_its_worker_stopped()
    {
        var job = await _cp.SubmitAsync();
        await _cp.WaitForStateAsync(job.JobId, JobState.Running);
        var agent = await _cp.Provider.AgentAsync(job.JobId, "w-1");

        var cancelling = await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
        var events = await _cp.WatchAsync(job.JobId);
        var again = await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });

        Assert.Equal(JobState.Cancelling, cancelling.State);
        Assert.Equal("cancel", await agent.Ended.WaitAsync(TestControlPlane.Patience));
        Assert.Contains(agent.Received, m => m.Cancel is not null);
        Assert.Contains("w-1", _cp.Provider.Stopped);
        Assert.Equal(JobState.Cancelled, events[^1].StateChanged.State);
        Assert.Contains(events, e => e.StateChanged?.State == JobState.Cancelling);
        Assert.Equal(JobState.Cancelled, again.State);
        Assert.Equal(events[^1].Sequence, again.LastSequence);
    }

    [Fact]
    public async Task A_finished_job_stays_as_it_is()
    {
        var job = await _cp.SubmitAsync();
        _gate.SetResult();
        var finished = await _cp.FinishedAsync(job.JobId);

        var afterCancel = await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });

        Assert.Equal(JobState.Succeeded, afterCancel.State);
        Assert.Equal(finished, afterCancel);
    }

    [Fact]
    public async Task Cancelling_an_unknown_job_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = "j-0000000000000000" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
