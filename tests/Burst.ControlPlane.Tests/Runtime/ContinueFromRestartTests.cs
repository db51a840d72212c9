using Burst.ControlPlane.Tests.Support;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Runtime;

public sealed class ContinueFromRestartTests : IAsyncDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("burst-cp-continue-").FullName;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dataDir, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_continued_tpe_job_interrupted_by_a_restart_keeps_its_history_and_the_trials_it_had_handed_out()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new FakeWorkerProvider();
        var before = await TestControlPlane.StartAsync(provider, dataDir: _dataDir);
        var source = await before.SubmitAsync(new JobSpec { Search = new Search { Strategy = SearchStrategy.Tpe, Trials = 4, TpeStartupTrials = 2 } });
        Assert.Equal(JobState.Succeeded, (await before.FinishedAsync(source.JobId)).State);
        provider.Behavior = _ => new FakeAgentBehavior { Gate = gate };
        var continued = await before.SubmitAsync(new JobSpec { Search = new Search { Strategy = SearchStrategy.Tpe, Trials = 4, TpeStartupTrials = 2, ContinueFrom = source.JobId } });
        var agent = await provider.AgentAsync(continued.JobId, "w-1");
        await WaitUntilAsync(() => agent.TrialsReceived.Count() == 2);
        var handedOutBefore = agent.TrialsReceived.ToDictionary(t => t.TrialId, t => t.Params);

        await before.StopAsync();
        await using var after = await TestControlPlane.StartAsync(provider, dataDir: _dataDir);
        provider.Url = () => after.Address.ToString();
        gate.SetResult();
        var finished = await after.FinishedAsync(continued.JobId);
        var trials = (await after.WatchAsync(continued.JobId)).Where(e => e.Trial is not null).Select(e => e.Trial).ToList();

        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(Enumerable.Range(0, 4), trials.Select(t => t.TrialId).Order());
        Assert.All(handedOutBefore, h => Assert.Equal(h.Value, trials.Single(t => t.TrialId == h.Key).Params));
        Assert.Equal(4, finished.Progress.TrialsInherited);
        Assert.Equal(8, finished.Result.Trials);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestControlPlane.Patience);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
