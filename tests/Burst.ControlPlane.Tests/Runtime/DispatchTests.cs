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
    public async Task Two_workers_split_the_trials_evenly_and_one_of_them_refits()
    {
        var spec = TestControlPlane.SmallSpec(6);
        spec.Search.Workers = 2;
        var job = await _cp.SubmitAsync(spec);
        await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Attached);
        await _cp.WaitForWorkerAsync(job.JobId, "w-2", WorkerState.Attached);
        var first = await _cp.Provider.AgentAsync(job.JobId, "w-1");
        var second = await _cp.Provider.AgentAsync(job.JobId, "w-2");

        _gate.SetResult();
        var finished = await _cp.FinishedAsync(job.JobId);

        var firstTrials = first.TrialsReceived.Select(t => t.TrialId).ToList();
        var secondTrials = second.TrialsReceived.Select(t => t.TrialId).ToList();
        Assert.Equal(3, firstTrials.Count);
        Assert.Equal(3, secondTrials.Count);
        Assert.Equal(Enumerable.Range(0, 6), firstTrials.Concat(secondTrials).Order());
        Assert.Equal(1, first.Received.Concat(second.Received).Count(m => m.Refit is not null));
        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal("shutdown", await first.Ended.WaitAsync(TestControlPlane.Patience));
        Assert.Equal("shutdown", await second.Ended.WaitAsync(TestControlPlane.Patience));
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
}
