using Burst.Training.Search;

namespace Burst.Training.Tests.Search;

public sealed class TrialPlannerTests
{
    private static IReadOnlyList<IReadOnlyDictionary<string, double>> Configs(int count) =>
        Enumerable.Range(0, count)
            .Select(i => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["max_depth"] = 3 + i % 4, ["n_estimators"] = 90 + i })
            .ToArray();

    private static SearchSettings Settings(SearchStrategyKind strategy, int count, ScoringKind scoring = ScoringKind.Accuracy) =>
        new(strategy, count, 3, 0, scoring, SearchSpace.Default, Configs(count));

    /// <summary>A fake result whose score is a fixed function of the candidate, so the ranking is known.</summary>
    private static TrialOutcome Outcome(TrialSpec trial, Func<int, double> score) =>
        new(trial, [score(trial.TrialId)], score(trial.TrialId), TimeSpan.FromSeconds(1));

    [Fact]
    public void An_explicit_search_runs_every_config_once_at_its_own_n_estimators()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.Explicit, 5));
        var pending = planner.Pending([]);

        Assert.Equal(5, planner.CandidateCount);
        Assert.Equal(5, planner.EstimatedTotalTrials);
        Assert.Equal([0, 1, 2, 3, 4], pending.Select(t => t.TrialId));
        Assert.All(pending, t => Assert.Equal(0, t.Rung));
        Assert.Equal([90, 91, 92, 93, 94], pending.Select(t => t.Rounds));
    }

    [Fact]
    public void Completed_trials_are_no_longer_pending_and_the_best_is_the_highest_score()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.Explicit, 4));
        var done = planner.Pending([]).Take(3).Select(t => Outcome(t, id => id == 1 ? 0.9 : 0.5)).ToList();

        Assert.Equal([3], planner.Pending(done).Select(t => t.TrialId));
        Assert.False(planner.IsFinished(done));
        done.Add(Outcome(planner.Pending(done)[0], _ => 0.1));
        Assert.True(planner.IsFinished(done));
        Assert.Empty(planner.Pending(done));
        Assert.Equal(1, planner.Best(done).Trial.TrialId);
    }

    [Fact]
    public void Ties_go_to_the_lower_trial_id_and_log_loss_prefers_the_lowest()
    {
        var accuracy = TrialPlanner.Create(Settings(SearchStrategyKind.Explicit, 3));
        var tied = accuracy.Pending([]).Select(t => Outcome(t, id => id == 0 ? 0.1 : 0.8)).ToArray();
        Assert.Equal(1, accuracy.Best(tied).Trial.TrialId);

        var logLoss = TrialPlanner.Create(Settings(SearchStrategyKind.Explicit, 3, ScoringKind.LogLoss));
        var losses = logLoss.Pending([]).Select(t => Outcome(t, id => 1.0 / (id + 1))).ToArray();
        Assert.Equal(2, logLoss.Best(losses).Trial.TrialId);
    }

    [Fact]
    public void A_random_search_samples_its_candidates_from_the_space_with_the_seed()
    {
        var settings = new SearchSettings(SearchStrategyKind.Random, 6, 3, 99, ScoringKind.Accuracy, SearchSpace.Default);
        var planner = TrialPlanner.Create(settings);
        var expected = SearchSpace.Default.Sample(6, 99);

        Assert.Equal(expected, planner.Pending([]).Select(t => t.Params));
        Assert.Equal(expected.Select(c => (int)c["n_estimators"]), planner.Pending([]).Select(t => t.Rounds));
    }

    [Fact]
    public void An_explicit_search_without_configs_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => TrialPlanner.Create(new SearchSettings(SearchStrategyKind.Explicit, 5, 3, 0, ScoringKind.Accuracy, SearchSpace.Default)));
    }

    [Fact]
    public void A_config_with_a_bad_value_is_rejected_before_anything_runs()
    {
        var bad = new SearchSettings(SearchStrategyKind.Explicit, 1, 3, 0, ScoringKind.Accuracy, SearchSpace.Default,
            [new Dictionary<string, double> { ["max_depth"] = -3 }]);

        var error = Assert.Throws<ArgumentException>(() => TrialPlanner.Create(bad));
        Assert.Equal("max_depth", error.ParamName);
    }

    [Fact]
    public void Check_refuses_exactly_what_Create_refuses_and_with_the_same_message()
    {
        IReadOnlyList<IReadOnlyDictionary<string, double>> bad = [new Dictionary<string, double> { ["max_depth"] = -3 }];
        IReadOnlyList<IReadOnlyDictionary<string, double>> none = [];
        var cases = new List<SearchSettings>();
        foreach (var strategy in new[] { SearchStrategyKind.Random, SearchStrategyKind.Explicit, SearchStrategyKind.SuccessiveHalving, SearchStrategyKind.Tpe, (SearchStrategyKind)99 })
        {
            foreach (var configs in new[] { null, Configs(4), bad, none })
            {
                foreach (var (trials, folds, earlyStopping, startup) in new[] { (4, 3, 0, 0), (0, 3, 0, 0), (4, 1, 0, 0), (4, 3, -1, 0), (4, 3, 0, -1) })
                {
                    cases.Add(new SearchSettings(strategy, trials, folds, 7, ScoringKind.Accuracy, SearchSpace.Default, configs, earlyStopping, startup));
                }
            }
        }

        var refused = 0;
        foreach (var settings in cases)
        {
            var byCreate = Record.Exception(() => TrialPlanner.Create(settings));
            var byCheck = Record.Exception(() => TrialPlanner.Check(settings));
            Assert.Equal(byCreate?.GetType(), byCheck?.GetType());
            Assert.Equal(byCreate?.Message, byCheck?.Message);
            refused += byCreate is null ? 0 : 1;
        }

        // Both outcomes occur: the grid holds valid searches of every known strategy and each kind of mistake.
        Assert.InRange(refused, 1, cases.Count - 4);
    }

    [Fact]
    public void Successive_halving_starts_with_every_candidate_on_a_fraction_of_its_rounds()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, 27));
        var first = planner.Pending([]);

        Assert.Equal(27, first.Count);
        Assert.All(first, t => Assert.Equal(0, t.Rung));
        Assert.All(first, t => Assert.True(t.Rounds < t.Params["n_estimators"]));
        Assert.True(planner.EstimatedTotalTrials > 27);
    }

    [Fact]
    public void Successive_halving_promotes_the_best_of_each_rung_and_ends_with_full_rounds()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, 27));
        var completed = new List<TrialOutcome>();
        var rungs = new List<IReadOnlyList<TrialSpec>>();
        for (var pending = planner.Pending(completed); pending.Count > 0; pending = planner.Pending(completed))
        {
            rungs.Add(pending);
            // Higher ids score better, so the survivors of every rung are the highest ids.
            completed.AddRange(pending.Select(t => Outcome(t, id => id / 100.0 + t.Rung)));
        }

        Assert.True(rungs.Count >= 2);
        Assert.Equal(planner.EstimatedTotalTrials, rungs.Sum(r => r.Count));
        for (var r = 1; r < rungs.Count; r++)
        {
            Assert.True(rungs[r].Count < rungs[r - 1].Count);
            Assert.All(rungs[r], t => Assert.Equal(r, t.Rung));
            var survivors = rungs[r - 1].Select(t => t.TrialId).OrderDescending().Take(rungs[r].Count);
            Assert.Equal(survivors.Order(), rungs[r].Select(t => t.TrialId).Order());
        }

        Assert.All(rungs[^1], t => Assert.Equal(t.Params["n_estimators"], t.Rounds));
        Assert.True(planner.IsFinished(completed));
        var best = planner.Best(completed);
        Assert.Equal(rungs.Count - 1, best.Trial.Rung);
        Assert.Equal(26, best.Trial.TrialId);
    }

    [Fact]
    public void Successive_halving_waits_for_a_whole_rung_before_planning_the_next()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, 27));
        var first = planner.Pending([]);
        var partial = first.Take(20).Select(t => Outcome(t, id => id)).ToArray();

        var pending = planner.Pending(partial);
        Assert.Equal(first.Skip(20).Select(t => t.TrialId), pending.Select(t => t.TrialId));
        Assert.All(pending, t => Assert.Equal(0, t.Rung));
        Assert.Equal(0, planner.Best(partial).Trial.Rung);
    }

    [Fact]
    public void Successive_halving_plans_are_pure_functions_of_the_results()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, 30));
        var rung0 = planner.Pending([]).Select(t => Outcome(t, id => (id * 7919) % 31)).ToArray();
        var shuffled = rung0.Reverse().ToArray();

        static IEnumerable<(int, int, int)> Keys(IEnumerable<TrialSpec> trials) => trials.Select(t => (t.TrialId, t.Rung, t.Rounds));

        Assert.Equal(Keys(planner.Pending(rung0)), Keys(planner.Pending(shuffled)));
        Assert.Equal(Keys(planner.Pending(rung0)), Keys(TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, 30)).Pending(rung0)));
    }

    [Fact]
    public void A_stale_result_for_a_trial_that_was_not_promoted_is_ignored()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, 27));
        var completed = planner.Pending([]).Select(t => Outcome(t, id => id)).ToList();
        var promoted = planner.Pending(completed).Select(t => t.TrialId).ToHashSet();
        var loser = Enumerable.Range(0, 27).First(id => !promoted.Contains(id));

        completed.Add(new TrialOutcome(new TrialSpec(loser, 1, 10, Configs(27)[loser]), [99], 99, TimeSpan.Zero));

        Assert.DoesNotContain(planner.Best(completed).Trial.TrialId, new[] { loser });
        Assert.Equal(promoted.Order(), planner.Pending(completed).Select(t => t.TrialId).Order());
    }

    [Theory]
    [InlineData(100, new[] { 100, 20 }, new[] { 0.1, 1.0 })]
    [InlineData(9, new[] { 9, 2 }, new[] { 0.1, 1.0 })]
    [InlineData(1000, new[] { 1000, 200, 40, 8 }, new[] { 0.1, 0.2154, 0.4642, 1.0 })]
    public void Successive_halving_keeps_a_fifth_per_cut_after_a_tenth_of_the_rounds(int candidates, int[] survivors, double[] fractions)
    {
        var planner = (SuccessiveHalvingPlanner)TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, candidates));

        Assert.Equal(survivors, planner.SurvivorsPerRung);
        Assert.Equal(fractions, planner.RoundFractions.Select(f => Math.Round(f, 4)));
        Assert.Equal(survivors.Sum(), planner.EstimatedTotalTrials);
    }

    [Fact]
    public void Successive_halving_with_a_single_candidate_is_one_full_trial()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.SuccessiveHalving, 1));
        var pending = planner.Pending([]);

        Assert.Single(pending);
        Assert.Equal(90, pending[0].Rounds);
        Assert.True(planner.IsFinished([Outcome(pending[0], _ => 0.5)]));
    }
}
