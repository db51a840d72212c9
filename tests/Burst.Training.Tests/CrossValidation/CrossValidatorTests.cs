using System.Collections.Concurrent;
using Burst.Training.Search;

namespace Burst.Training.Tests.CrossValidation;

public sealed class CrossValidatorTests
{
    private static readonly IReadOnlyList<IReadOnlyDictionary<string, double>> FourConfigs =
    [
        new Dictionary<string, double> { ["max_depth"] = 5, ["learning_rate"] = 0.12, ["n_estimators"] = 60, ["gamma"] = 0.0005, ["reg_lambda"] = 0.001 },
        new Dictionary<string, double> { ["max_depth"] = 3, ["learning_rate"] = 0.07, ["n_estimators"] = 40, ["gamma"] = 0.001, ["reg_lambda"] = 0.0002 },
        new Dictionary<string, double> { ["max_depth"] = 6, ["learning_rate"] = 0.15, ["n_estimators"] = 50, ["gamma"] = 0.0001, ["reg_lambda"] = 0.002 },
        new Dictionary<string, double> { ["max_depth"] = 4, ["learning_rate"] = 0.19, ["n_estimators"] = 45, ["gamma"] = 0.002, ["reg_lambda"] = 0.0005 },
    ];

    [Fact]
    public async Task A_small_census_search_reaches_test_accuracy_of_at_least_0_86()
    {
        var data = await Census.LoadAsync();
        var settings = new SearchSettings(SearchStrategyKind.Explicit, 4, 3, 0, ScoringKind.Accuracy, SearchSpace.Default, FourConfigs);
        var seen = new List<TrialOutcome>();

        using var result = await SearchRunner.RunAsync(new SearchRequest(data.Train, data.Test, settings, Cores: 2), o => { seen.Add(o); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(4, seen.Count);
        Assert.All(seen, o => Assert.Equal(3, o.FoldScores.Count));
        Assert.All(seen, o => Assert.Equal(o.FoldScores.Average(), o.MeanScore, 12));
        Assert.Equal(seen.Max(o => o.MeanScore), result.Best.MeanScore);
        Assert.Equal(13, result.Fits);
        Assert.True(result.TestMetrics!.Accuracy >= 0.86, $"test accuracy {result.TestMetrics.Accuracy}");
        Assert.Equal(16281, result.TestMetrics.Count);
        Assert.Equal(result.TestMetrics.Count, result.TestMetrics.TruePositives + result.TestMetrics.FalsePositives + result.TestMetrics.TrueNegatives + result.TestMetrics.FalseNegatives);
        Assert.Equal(result.Best.Trial.Rounds, result.Model.Rounds);
    }

    [Fact]
    public async Task Concurrent_trials_score_exactly_as_one_at_a_time()
    {
        var data = await Census.LoadAsync();
        using var validator = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);
        var trials = FourConfigs.Select((c, i) => new TrialSpec(i, 0, 10, c)).ToArray();

        var sequential = await Collect(validator, trials, new Parallelism(1, 1));
        var concurrent = await Collect(validator, trials, new Parallelism(2, 1));

        Assert.Equal(sequential.Keys.Order(), concurrent.Keys.Order());
        foreach (var (id, scores) in sequential)
        {
            Assert.Equal(scores, concurrent[id]);
        }
    }

    [Fact]
    public async Task A_continued_trial_scores_exactly_as_one_trained_from_scratch_and_counts_only_its_new_rounds()
    {
        var data = await Census.LoadAsync();
        var config = FourConfigs[0];
        using var fresh = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);
        var fromScratch = await Collect(fresh, [new TrialSpec(0, 1, 24, config)], new Parallelism(2, 1));

        using var continuing = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);
        continuing.ContinueTrials = true;
        await Collect(continuing, [new TrialSpec(0, 0, 8, config), new TrialSpec(1, 0, 8, FourConfigs[1])], new Parallelism(2, 1));
        var continued = await Collect(continuing, [new TrialSpec(0, 1, 24, config)], new Parallelism(2, 1));

        Assert.Equal(fromScratch[0], continued[0]);
        Assert.Equal(3 * 24, fresh.BoostedRounds);
        Assert.Equal((3 * 8 * 2) + (3 * 16), continuing.BoostedRounds);
    }

    [Fact]
    public async Task Cancellation_stops_the_run()
    {
        var data = await Census.LoadAsync();
        using var validator = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);
        using var cts = new CancellationTokenSource();
        var trials = Enumerable.Range(0, 8).Select(i => new TrialSpec(i, 0, 500, FourConfigs[i % 4])).ToArray();
        var finished = 0;

        cts.CancelAfter(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            validator.RunAsync(trials, new Parallelism(2, 1), _ => { finished++; return ValueTask.CompletedTask; }, cts.Token));

        Assert.True(finished < trials.Length);
    }

    [Fact]
    public async Task An_exception_from_the_callback_stops_the_run_and_surfaces()
    {
        var data = await Census.LoadAsync();
        using var validator = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);
        var trials = FourConfigs.Select((c, i) => new TrialSpec(i, 0, 5, c)).ToArray();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            validator.RunAsync(trials, new Parallelism(2, 1), _ => throw new InvalidOperationException("report failed"), CancellationToken.None));

        Assert.Equal("report failed", error.Message);
    }

    [Fact]
    public async Task Folds_are_the_unshuffled_stratified_folds_of_the_training_rows()
    {
        var data = await Census.LoadAsync();
        using var validator = CrossValidator.Create(data.Train, 3, 0, ScoringKind.Accuracy);

        Assert.Equal(StratifiedFolds.Assign(data.Train.Labels.Span, 3), validator.FoldOfRow);
    }

    [Theory]
    [InlineData(2, 20, 0, 2, 1)]
    [InlineData(2, 1, 0, 1, 2)]
    [InlineData(16, 5, 0, 5, 3)]
    [InlineData(8, 100, 2, 4, 2)]
    [InlineData(1, 10, 0, 1, 1)]
    public void Parallelism_gives_every_core_a_trial_before_giving_trials_more_threads(int cores, int pending, int requested, int concurrency, int threads)
    {
        Assert.Equal(new Parallelism(concurrency, threads), Parallelism.For(cores, pending, requested));
    }

    private static async Task<Dictionary<int, IReadOnlyList<double>>> Collect(CrossValidator validator, IReadOnlyList<TrialSpec> trials, Parallelism parallelism)
    {
        var results = new ConcurrentDictionary<int, IReadOnlyList<double>>();
        await validator.RunAsync(trials, parallelism, o => { results[o.Trial.TrialId] = o.FoldScores; return ValueTask.CompletedTask; }, CancellationToken.None);
        return results.ToDictionary();
    }
}
