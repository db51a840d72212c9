using System.Text.Json;
using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;

namespace Burst.EndToEnd.Tests;

/// <summary>Searches that learn, through a real `burst server` and `burst-agent` processes: TPE on two workers, and `burst extend`.</summary>
public sealed class SearchTests
{
    [Fact]
    public async Task A_two_worker_tpe_job_succeeds_with_exactly_its_trials_and_no_duplicates()
    {
        await using var server = await BurstServer.StartAsync();
        var spec = Specs.QuickCensus(6);
        spec.Search.Strategy = SearchStrategy.Tpe;
        spec.Search.TpeStartupTrials = 3;
        spec.Search.Workers = 2;
        spec.Search.EarlyStoppingRounds = 10;

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId);

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
        var trials = events.Where(e => e.KindCase == JobEvent.KindOneofCase.Trial).Select(e => e.Trial).ToList();
        Assert.Equal(Enumerable.Range(0, 6), trials.Select(t => t.TrialId).Order());
        Assert.Equal(6, trials.Select(t => string.Join(",", t.Params.Values.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))).Distinct().Count());
        Assert.Equal(2, trials.Select(t => t.WorkerId).Distinct().Count());
        var result = Assert.Single(events, e => e.KindCase == JobEvent.KindOneofCase.Result).Result;
        Assert.Equal(6, result.Trials);
        // Early stopping: the refit trains the best trial's folds' mean best iteration, and progress counts the rounds saved.
        var best = trials.Single(t => t.TrialId == result.BestTrialId);
        Assert.Equal(3, best.FoldRounds.Count);
        Assert.Equal((int)Math.Round(best.FoldRounds.Average(), MidpointRounding.AwayFromZero), result.RefitRounds);
        var stored = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        Assert.Equal(trials.Sum(t => Training.EarlyStopping.RoundsSaved(t.Rounds, t.FoldRounds, 10)), stored.Progress.RoundsSaved);
    }

    [Fact]
    public async Task Burst_extend_runs_only_the_new_trials_and_keeps_a_best_at_least_the_originals()
    {
        await using var server = await BurstServer.StartAsync();
        var original = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus(4) });
        var first = await Watcher.CollectAsync(server.Jobs, original.JobId);
        Assert.True(Watcher.FinalState(first) == JobState.Succeeded, server.Log);
        var before = Assert.Single(first, e => e.KindCase == JobEvent.KindOneofCase.Result).Result;

        var run = await ProcessRunner.RunAsync(
            Repo.Executable("burst"), ["extend", original.JobId, "--trials", "3", "--server", server.Address], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        var extendedId = run.StdOut.Trim();
        var events = await Watcher.CollectAsync(server.Jobs, extendedId);

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
        Assert.Equal(3, events.Count(e => e.KindCase == JobEvent.KindOneofCase.Trial));
        var after = Assert.Single(events, e => e.KindCase == JobEvent.KindOneofCase.Result).Result;
        Assert.Equal(7, after.Trials);
        Assert.Equal(3 * 3 + 1, after.Fits);
        Assert.True(after.CvBest >= before.CvBest, $"extended best {after.CvBest} < original {before.CvBest}");
        Assert.Equal([extendedId, original.JobId], after.JobChain);
        var extended = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = extendedId });
        Assert.Equal(4, extended.Progress.TrialsInherited);
        Assert.Equal(original.JobId, extended.Spec.Search.ContinueFrom);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(after.ModelUri, "burst-model.json")));
        Assert.Equal([extendedId, original.JobId], manifest.RootElement.GetProperty("job_chain").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEqual(before.ModelUri, after.ModelUri);
    }
}
