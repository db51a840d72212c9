using Burst.Training.Search;

namespace Burst.Training.Tests.Search;

public sealed class TpeSearchRunnerTests
{
    private static readonly SearchSpace Small = new(new Dictionary<string, ParamDistribution>
    {
        ["max_depth"] = new IntRange(2, 6),
        ["learning_rate"] = new LogUniform(0.05, 0.5),
        ["n_estimators"] = new IntRange(5, 15),
    });

    private static async Task<(List<TrialOutcome> Seen, int Rounds, double Best)> Run(int parallelTrials)
    {
        var data = await Census.LoadAsync();
        var train = data.Train.Subset(Enumerable.Range(0, 3000).ToArray());
        var settings = new SearchSettings(SearchStrategyKind.Tpe, 6, 3, 4, ScoringKind.Accuracy, Small, TpeStartupTrials: 3);
        var seen = new List<TrialOutcome>();
        using var result = await SearchRunner.RunAsync(
            new SearchRequest(train, null, settings, Cores: 2, ParallelTrials: parallelTrials),
            o => { seen.Add(o); return ValueTask.CompletedTask; },
            CancellationToken.None);
        Assert.Equal(seen, result.Trials);
        Assert.Equal(3 * 6 + 1, result.Fits);
        return (seen, result.Model.Rounds, result.Best.MeanScore);
    }

    [Fact]
    public async Task A_tpe_search_asks_for_each_trial_when_the_last_one_is_in_and_is_repeatable()
    {
        var first = await Run(1);
        var second = await Run(1);

        Assert.Equal(Enumerable.Range(0, 6), first.Seen.Select(o => o.Trial.TrialId));
        Assert.Equal(first.Seen.Select(o => o.MeanScore), second.Seen.Select(o => o.MeanScore));
        Assert.Equal(first.Seen.Select(o => TrainedConfig(o)), second.Seen.Select(o => TrainedConfig(o)));
        Assert.Equal(first.Seen.Max(o => o.MeanScore), first.Best);
        var planner = TrialPlanner.Create(new SearchSettings(SearchStrategyKind.Tpe, 6, 3, 4, ScoringKind.Accuracy, Small, TpeStartupTrials: 3));
        // Trial 5 is what the planner decides from trials 0-4 as they were committed.
        Assert.Equal(TrainedConfig(first.Seen[5]), Describe(planner.Next(first.Seen.Take(5).ToArray(), [], 1)[0].Params));
    }

    [Fact]
    public async Task With_two_trials_in_flight_every_trial_runs_once()
    {
        var run = await Run(2);

        Assert.Equal(Enumerable.Range(0, 6), run.Seen.Select(o => o.Trial.TrialId).Order());
        Assert.Equal(6, run.Seen.Select(o => TrainedConfig(o)).Distinct().Count());
    }

    private static string TrainedConfig(TrialOutcome outcome) => Describe(outcome.Trial.Params);

    private static string Describe(IReadOnlyDictionary<string, double> config) =>
        string.Join(",", config.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value:R}"));
}
