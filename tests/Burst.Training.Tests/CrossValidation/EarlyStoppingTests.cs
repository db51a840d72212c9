using System.Collections.Concurrent;
using Burst.Training.Native;
using Burst.Training.Search;

namespace Burst.Training.Tests.CrossValidation;

public sealed class EarlyStoppingTests
{
    /// <summary>A fast learner that overfits the held-out rows well before its 300 rounds.</summary>
    private static readonly IReadOnlyDictionary<string, double> Fast = new Dictionary<string, double>
    {
        ["max_depth"] = 8, ["learning_rate"] = 0.5, ["n_estimators"] = 300,
    };

    [Theory]
    [InlineData(ScoringKind.Accuracy)]
    [InlineData(ScoringKind.RocAuc)]
    [InlineData(ScoringKind.LogLoss)]
    public async Task An_early_stopped_booster_predicts_exactly_what_a_booster_trained_to_its_best_iteration_predicts(ScoringKind scoring)
    {
        var data = await Census.LoadAsync();
        var train = data.Train.Subset(Enumerable.Range(0, 6000).ToArray());
        var validation = data.Train.Subset(Enumerable.Range(6000, 3000).ToArray());
        using var trainMatrix = DMatrix.FromDense(train.Features.Span, train.Rows, train.Columns, train.Labels.Span);
        using var validationMatrix = DMatrix.FromDense(validation.Features.Span, validation.Rows, validation.Columns, validation.Labels.Span);
        var parameters = BoosterParameters.For(Fast, 1, 0);

        using var stopped = Booster.Create(trainMatrix, parameters.Append(new("eval_metric", EarlyStopping.MetricFor(scoring))));
        var (kept, trained) = EarlyStopping.Train(stopped, trainMatrix, validationMatrix, 300, 10, scoring, CancellationToken.None);
        var cut = new float[validation.Rows];
        stopped.PredictInto(validationMatrix, cut, kept);

        using var direct = Booster.Create(trainMatrix, parameters);
        direct.Train(trainMatrix, kept, CancellationToken.None);
        var fresh = direct.Predict(validationMatrix);

        Assert.True(trained < 300, $"the fast learner should stop early, trained {trained}");
        Assert.Equal(kept + 10, trained);
        Assert.Equal(trained, stopped.BoostedRounds);
        Assert.Equal(fresh, cut);
    }

    [Fact]
    public async Task Each_fold_is_scored_at_its_best_iteration_and_reports_the_rounds_it_kept()
    {
        var data = await Census.LoadAsync();
        var rows = data.Train.Subset(Enumerable.Range(0, 9000).ToArray());
        var trial = new TrialSpec(0, 0, 300, Fast);
        using var stopping = CrossValidator.Create(rows, 3, 0, ScoringKind.Accuracy);
        stopping.EarlyStoppingRounds = 15;
        var outcome = (await Collect(stopping, [trial]))[0];

        Assert.NotNull(outcome.FoldRounds);
        Assert.Equal(3, outcome.FoldRounds.Count);
        Assert.All(outcome.FoldRounds, kept => Assert.InRange(kept, 1, 285));
        Assert.Equal(outcome.FoldRounds.Sum(kept => (long)EarlyStopping.RoundsTrained(300, kept, 15)), stopping.BoostedRounds);
        Assert.Equal(3 * 300 - stopping.BoostedRounds, EarlyStopping.RoundsSaved(300, outcome.FoldRounds, 15));

        // Each fold's score is the score of that fold's model trained to its kept rounds, without early stopping.
        using var plain = CrossValidator.Create(rows, 3, 0, ScoringKind.Accuracy);
        for (var fold = 0; fold < 3; fold++)
        {
            var cut = (await Collect(plain, [trial with { TrialId = fold + 1, Rounds = outcome.FoldRounds[fold] }]))[fold + 1];
            Assert.Null(cut.FoldRounds);
            Assert.Equal(cut.FoldScores[fold], outcome.FoldScores[fold]);
        }
    }

    [Fact]
    public async Task With_patience_beyond_the_budget_each_fold_keeps_its_best_round_which_scores_no_worse_than_the_last()
    {
        var data = await Census.LoadAsync();
        var rows = data.Train.Subset(Enumerable.Range(0, 9000).ToArray());
        var trial = new TrialSpec(0, 0, 60, Fast);
        using var stopping = CrossValidator.Create(rows, 3, 0, ScoringKind.Accuracy);
        stopping.EarlyStoppingRounds = 1000;
        using var plain = CrossValidator.Create(rows, 3, 0, ScoringKind.Accuracy);

        var best = (await Collect(stopping, [trial]))[0];
        var last = (await Collect(plain, [trial]))[0];

        Assert.Equal(3 * 60, stopping.BoostedRounds);
        for (var fold = 0; fold < 3; fold++)
        {
            Assert.True(best.FoldScores[fold] >= last.FoldScores[fold], $"fold {fold}: best iteration {best.FoldScores[fold]} < last {last.FoldScores[fold]}");
        }
    }

    [Fact]
    public async Task The_refit_trains_the_best_trials_mean_kept_rounds()
    {
        var data = await Census.LoadAsync();
        var train = data.Train.Subset(Enumerable.Range(0, 6000).ToArray());
        var settings = new SearchSettings(SearchStrategyKind.Explicit, 1, 3, 0, ScoringKind.LogLoss, SearchSpace.Default, [Fast], EarlyStoppingRounds: 10);

        using var result = await SearchRunner.RunAsync(new SearchRequest(train, null, settings, Cores: 2), null, CancellationToken.None);

        var kept = result.Best.FoldRounds!;
        Assert.Equal((int)Math.Round(kept.Average(), MidpointRounding.AwayFromZero), result.Model.Rounds);
        Assert.Equal(result.Best.RefitRounds, result.Model.Rounds);
        Assert.True(result.Model.Rounds < 300);
        Assert.Equal(kept.Sum(k => (long)EarlyStopping.RoundsTrained(300, k, 10)) + result.Model.Rounds, result.BoostingRounds);
    }

    [Fact]
    public void Without_early_stopping_nothing_is_saved_and_the_refit_trains_the_trials_rounds()
    {
        var outcome = new TrialOutcome(new TrialSpec(0, 0, 120, Fast), [0.8], 0.8, TimeSpan.Zero);

        Assert.Equal(120, outcome.RefitRounds);
        Assert.Equal(0, EarlyStopping.RoundsSaved(120, [30, 40], 0));
        Assert.Equal(120, EarlyStopping.RoundsTrained(120, 110, 20));
        Assert.Equal(50, EarlyStopping.RoundsTrained(120, 30, 20));
        Assert.Equal(67, (outcome with { FoldRounds = [66, 67, 67] }).RefitRounds);
    }

    [Fact]
    public async Task A_negative_patience_is_refused()
    {
        var data = await Census.LoadAsync();
        using var validator = CrossValidator.Create(data.Train.Subset(Enumerable.Range(0, 300).ToArray()), 3, 0, ScoringKind.Accuracy);

        Assert.Throws<ArgumentOutOfRangeException>(() => validator.EarlyStoppingRounds = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrialPlanner.Create(new SearchSettings(SearchStrategyKind.Random, 2, 3, 0, ScoringKind.Accuracy, SearchSpace.Default, EarlyStoppingRounds: -5)));
    }

    [Fact]
    public async Task Trials_streamed_on_demand_stop_early_exactly_as_a_batch_run_does()
    {
        var data = await Census.LoadAsync();
        var rows = data.Train.Subset(Enumerable.Range(0, 9000).ToArray());
        var trial = new TrialSpec(0, 0, 300, Fast);
        using var batch = CrossValidator.Create(rows, 3, 0, ScoringKind.Accuracy);
        batch.EarlyStoppingRounds = 15;
        var expected = (await Collect(batch, [trial]))[0];

        using var streaming = CrossValidator.Create(rows, 3, 0, ScoringKind.Accuracy);
        streaming.EarlyStoppingRounds = 15;
        var channel = System.Threading.Channels.Channel.CreateUnbounded<TrialSpec>();
        channel.Writer.TryWrite(trial);
        channel.Writer.Complete();
        TrialOutcome? streamed = null;
        await streaming.RunStreamAsync(channel.Reader, new Parallelism(2, 1), o => { streamed = o; return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.NotNull(streamed?.FoldRounds);
        Assert.Equal(expected.FoldRounds, streamed.FoldRounds);
        Assert.Equal(expected.FoldScores, streamed.FoldScores);
        Assert.Equal(batch.BoostedRounds, streaming.BoostedRounds);
    }

    private static async Task<Dictionary<int, TrialOutcome>> Collect(CrossValidator validator, IReadOnlyList<TrialSpec> trials)
    {
        var results = new ConcurrentDictionary<int, TrialOutcome>();
        await validator.RunAsync(trials, new Parallelism(2, 1), o => { results[o.Trial.TrialId] = o; return ValueTask.CompletedTask; }, CancellationToken.None);
        return results.ToDictionary();
    }
}
