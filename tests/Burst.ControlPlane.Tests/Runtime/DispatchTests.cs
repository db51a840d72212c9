using Burst.ControlPlane.Tests.Support;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Runtime;

public sealed class DispatchTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => new FakeAgentBehavior { Gate = _gate } });

    public async Task DisposeAsync()
    {
        _gate.TrySetResult();
        await _cp.DisposeAsync();
    }

    [Fact]
    public async Task Two_workers_share_the_trials_on_demand_each_holding_at_most_its_slot_and_prefetch_and_one_of_them_refits()
    {
        var spec = TestControlPlane.SmallSpec(6);
        spec.Search.Workers = 2;
        var job = await _cp.SubmitAsync(spec);
        await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Attached);
        await _cp.WaitForWorkerAsync(job.JobId, "w-2", WorkerState.Attached);
        var first = await _cp.Provider.AgentAsync(job.JobId, "w-1");
        var second = await _cp.Provider.AgentAsync(job.JobId, "w-2");
        await WaitUntilAsync(() => first.TrialsReceived.Count() + second.TrialsReceived.Count() == 4);
        var heldBeforeTheGateOpened = (First: first.TrialsReceived.Count(), Second: second.TrialsReceived.Count());

        _gate.SetResult();
        var finished = await _cp.FinishedAsync(job.JobId);

        // One slot each (the fake agent's default) plus the prefetch: two trials each while none can finish.
        Assert.Equal((2, 2), heldBeforeTheGateOpened);
        var all = first.TrialsReceived.Concat(second.TrialsReceived).Select(t => t.TrialId).ToList();
        Assert.Equal(Enumerable.Range(0, 6), all.Order());
        Assert.Equal(1, first.Received.Concat(second.Received).Count(m => m.Refit is not null));
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal("shutdown", await first.Ended.WaitAsync(TestControlPlane.Patience));
        Assert.Equal("shutdown", await second.Ended.WaitAsync(TestControlPlane.Patience));
    }

    [Fact]
    public async Task A_fast_worker_takes_every_trial_a_stuck_worker_does_not_hold()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cp.Provider.Behavior = launch => launch.WorkerId == "w-1" ? new FakeAgentBehavior { Gate = stuck } : new FakeAgentBehavior();
        _gate.SetResult();
        var spec = TestControlPlane.SmallSpec(10);
        spec.Search.Workers = 2;
        var job = await _cp.SubmitAsync(spec);
        var slow = await _cp.Provider.AgentAsync(job.JobId, "w-1");
        var fast = await _cp.Provider.AgentAsync(job.JobId, "w-2");

        await _cp.WaitForEventAsync(job.JobId, e => e.Progress?.TrialsDone == 8);
        stuck.SetResult();
        var finished = await _cp.FinishedAsync(job.JobId);

        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(2, slow.TrialsReceived.Count());
        Assert.Equal(8, fast.TrialsReceived.Count());
        Assert.Equal(Enumerable.Range(0, 10), slow.TrialsReceived.Concat(fast.TrialsReceived).Select(t => t.TrialId).Order());
    }

    [Fact]
    public async Task An_agent_that_only_says_idle_still_gets_every_trial()
    {
        _cp.Provider.Behavior = _ => new FakeAgentBehavior { IdleOnly = true };
        _gate.SetResult();
        var job = await _cp.SubmitAsync(TestControlPlane.SmallSpec(5));

        var finished = await _cp.FinishedAsync(job.JobId);
        var agent = await _cp.Provider.AgentAsync(job.JobId, "w-1");

        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(Enumerable.Range(0, 5), agent.TrialsReceived.Select(t => t.TrialId).Order());
    }

    [Fact]
    public async Task Successive_halving_runs_each_rung_once_and_refits_the_best_of_the_last()
    {
        var spec = new JobSpec { Search = new Search { Strategy = SearchStrategy.SuccessiveHalving, Trials = 9 } };
        var job = await _cp.SubmitAsync(spec);

        _gate.SetResult();
        var finished = await _cp.FinishedAsync(job.JobId);
        var events = await _cp.WatchAsync(job.JobId);
        var agent = await _cp.Provider.AgentAsync(job.JobId, "w-1");

        var trials = events.Where(e => e.Trial is not null).Select(e => (e.Trial.TrialId, e.Trial.Rung)).ToList();
        var lastRung = trials.Max(t => t.Rung);
        var refit = agent.Received.Single(m => m.Refit is not null).Refit;
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(trials.Distinct().Count(), trials.Count);
        Assert.True(lastRung > 0);
        Assert.Equal(9, trials.Count(t => t.Rung == 0));
        Assert.True(trials.Count(t => t.Rung == lastRung) < 9);
        Assert.Equal(lastRung, refit.Best.Rung);
        Assert.Equal(trials.Count, finished.Progress.TrialsTotal);
        Assert.Equal(trials.Count, refit.Trials);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestControlPlane.Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
