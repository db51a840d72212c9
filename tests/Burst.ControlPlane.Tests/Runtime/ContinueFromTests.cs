using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Google.Rpc;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Runtime;

public sealed class ContinueFromTests : IAsyncLifetime
{
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() => _cp = await TestControlPlane.StartAsync();

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task A_two_worker_tpe_job_hands_out_exactly_its_trials_once_each_with_distinct_configs()
    {
        var spec = new JobSpec { Search = new Search { Strategy = SearchStrategy.Tpe, Trials = 8, Workers = 2, TpeStartupTrials = 3 } };
        var job = await _cp.SubmitAsync(spec);

        var finished = await _cp.FinishedAsync(job.JobId);
        var trials = await TrialsHandedOutAsync(job.JobId, 2);

        Assert.Equal(JobState.Succeeded, finished.State);
        Assert.Equal(SearchStrategy.Tpe, finished.Spec.Search.Strategy);
        Assert.Equal(Enumerable.Range(0, 8), trials.Select(t => t.TrialId).Order());
        Assert.Equal(8, trials.Select(t => string.Join(",", t.Params.Values.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))).Distinct().Count());
        Assert.Equal(8, finished.Result.Trials);
    }

    [Fact]
    public async Task A_continued_job_runs_only_its_new_trials_and_weighs_the_inherited_ones_too()
    {
        var first = await FinishAsync(new JobSpec { Search = new Search { Strategy = SearchStrategy.Tpe, Trials = 5, TpeStartupTrials = 3 } });

        var second = await FinishAsync(Continuing(first, 3));
        var handedOut = await TrialsHandedOutAsync(second.JobId, 1);
        var refit = (await _cp.Provider.AgentAsync(second.JobId, "w-1")).Received.Single(m => m.Refit is not null).Refit;

        Assert.Equal(JobState.Succeeded, second.State);
        Assert.Equal(3, handedOut.Count);
        Assert.Equal(8, second.Result.Trials);
        Assert.Equal(3 * 3, second.Result.Fits);
        Assert.Equal(5, second.Progress.TrialsInherited);
        Assert.Equal([second.JobId, first.JobId], refit.JobChain);
        Assert.Contains(second.Progress.Leaderboard, e => e.JobId == first.JobId && e.WorkerId.Length == 0);
        Assert.True(second.Result.CvBest >= first.Result.CvBest);
    }

    [Fact]
    public async Task A_chain_of_three_jobs_learns_from_both_earlier_ones_and_lists_the_chain()
    {
        var a = await FinishAsync(new JobSpec { Search = new Search { Trials = 4 } });
        var b = await FinishAsync(Continuing(a, 3));

        var c = await FinishAsync(Continuing(b, 2));
        var refit = (await _cp.Provider.AgentAsync(c.JobId, "w-1")).Received.Single(m => m.Refit is not null).Refit;

        Assert.Equal(JobState.Succeeded, c.State);
        Assert.Equal(2, (await TrialsHandedOutAsync(c.JobId, 1)).Count);
        Assert.Equal(7, c.Progress.TrialsInherited);
        Assert.Equal(9, c.Result.Trials);
        Assert.Equal(2 * 3, c.Result.Fits);
        Assert.Equal([c.JobId, b.JobId, a.JobId], refit.JobChain);
        Assert.Equal(new[] { a.JobId, b.JobId }.Order(), c.Progress.Leaderboard.Select(e => e.JobId).Where(id => id.Length > 0).Distinct().Order());
    }

    [Theory]
    [InlineData("spec.search.folds")]
    [InlineData("spec.search.scoring")]
    [InlineData("spec.dataset.train_uri")]
    [InlineData("spec.search.space")]
    public async Task A_continued_job_that_differs_from_its_source_is_refused_naming_the_field(string field)
    {
        var source = await FinishAsync(new JobSpec { Search = new Search { Trials = 2 } });
        var spec = Continuing(source, 2);
        switch (field)
        {
            case "spec.search.folds":
                spec.Search.Folds = 4;
                break;
            case "spec.search.scoring":
                spec.Search.Scoring = V1.Scoring.RocAuc;
                break;
            case "spec.dataset.train_uri":
                spec.Dataset.TrainUri = Path.Combine(Path.GetTempPath(), "other.csv"); // inside the allowed roots, so only the mismatch is refused
                spec.Dataset.Format = DataFormat.Census;
                break;
            default:
                spec.Search.Space.Remove("max_depth");
                break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(field, error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Subject);
    }

    [Fact]
    public async Task Continuing_a_job_that_does_not_exist_is_refused_naming_continue_from()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(new JobSpec { Search = new Search { Trials = 2, ContinueFrom = "job-nope" } }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.StartsWith("spec.search.continue_from:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_successive_halving_job_cannot_continue_another_and_the_error_names_the_strategy()
    {
        var source = await FinishAsync(new JobSpec { Search = new Search { Trials = 2 } });
        var spec = Continuing(source, 2);
        spec.Search.Strategy = SearchStrategy.SuccessiveHalving;

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));

        Assert.Contains(BadRequests.Of(error), v => v.Field == "spec.search.strategy");
    }

    private async Task<Job> FinishAsync(JobSpec spec)
    {
        var job = await _cp.SubmitAsync(spec);
        var finished = await _cp.FinishedAsync(job.JobId);
        Assert.Equal(JobState.Succeeded, finished.State);
        return finished;
    }

    /// <summary>What <c>burst extend</c> submits: the source's stored spec, continued by <paramref name="trials"/> more.</summary>
    private static JobSpec Continuing(Job source, int trials)
    {
        var spec = source.Spec.Clone();
        spec.Search.ContinueFrom = source.JobId;
        spec.Search.Trials = trials;
        spec.Output.ModelUri = "";
        return spec;
    }

    private async Task<List<TrialToRun>> TrialsHandedOutAsync(string jobId, int workers)
    {
        var all = new List<TrialToRun>();
        for (var i = 1; i <= workers; i++)
        {
            all.AddRange((await _cp.Provider.AgentAsync(jobId, $"w-{i}")).TrialsReceived);
        }

        return all;
    }
}
