using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class WatchJobTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => new FakeAgentBehavior { Gate = _gate } });

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task A_watch_replays_the_stored_events_then_follows_live_to_the_terminal_event()
    {
        var job = await _cp.SubmitAsync();
        await _cp.WaitForStateAsync(job.JobId, JobState.Running);

        var watch = _cp.WatchAsync(job.JobId);
        _gate.SetResult();
        var events = await watch;

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.All(events, e => Assert.Equal(job.JobId, e.JobId));
        Assert.Equal(
            [JobState.Queued, JobState.Provisioning, JobState.Running, JobState.Succeeded],
            events.Where(e => e.StateChanged is not null).Select(e => e.StateChanged.State));
        Assert.Equal(JobState.Succeeded, events[^1].StateChanged.State);
        Assert.Equal(6, events.Count(e => e.Trial is not null));
        Assert.Single(events, e => e.Result is not null);
        var final = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        Assert.Equal(events[^1].Sequence, final.LastSequence);
    }

    [Fact]
    public async Task A_watch_resumed_from_a_middle_sequence_gets_exactly_the_suffix()
    {
        var job = await _cp.SubmitAsync();
        _gate.SetResult();
        var all = await _cp.WatchAsync(job.JobId);
        var middle = all[all.Count / 2].Sequence;

        var suffix = await _cp.WatchAsync(job.JobId, middle);

        Assert.Equal(all.Where(e => e.Sequence > middle), suffix);
    }

    [Fact]
    public async Task Two_watchers_see_identical_streams()
    {
        var job = await _cp.SubmitAsync();
        await _cp.WaitForStateAsync(job.JobId, JobState.Running);

        var first = _cp.WatchAsync(job.JobId);
        var second = _cp.WatchAsync(job.JobId);
        _gate.SetResult();

        Assert.Equal(await first, await second);
    }

    [Fact]
    public async Task A_watch_after_the_terminal_event_ends_with_nothing()
    {
        var job = await _cp.SubmitAsync();
        _gate.SetResult();
        var finished = await _cp.FinishedAsync(job.JobId);

        var after = await _cp.WatchAsync(job.JobId, finished.LastSequence);

        Assert.Empty(after);
    }

    [Fact]
    public async Task Watching_an_unknown_job_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.WatchAsync("j-0000000000000000"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task A_successful_job_reports_its_result_and_progress()
    {
        var job = await _cp.SubmitAsync();
        _gate.SetResult();

        var finished = await _cp.FinishedAsync(job.JobId);

        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.NotNull(finished.EndTime);
        Assert.Equal(0.87, finished.Result.TestMetrics.Accuracy);
        Assert.Equal(finished.Spec.Output.ModelUri, finished.Result.ModelUri);
        Assert.Equal(6, finished.Progress.TrialsDone);
        Assert.Equal(6, finished.Progress.TrialsTotal);
        Assert.Equal(finished.Result.CvBest, finished.Progress.BestScore);
    }
}
