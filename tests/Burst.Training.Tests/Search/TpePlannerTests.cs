using Burst.Training.Search;
using Burst.Training.Search.Tpe;

namespace Burst.Training.Tests.Search;

public sealed class TpePlannerTests
{
    /// <summary>A space with every kind of distribution.</summary>
    private static readonly SearchSpace Mixed = new(new Dictionary<string, ParamDistribution>
    {
        ["subsample"] = new Uniform(0.1, 1.0),
        ["learning_rate"] = new LogUniform(0.001, 1.0),
        ["max_depth"] = new IntRange(1, 20),
        ["colsample_bytree"] = new Choice([0.2, 0.4, 0.6, 0.8, 1.0]),
        ["n_estimators"] = new Poisson(100),
        ["gamma"] = new Exponential(1.0),
    });

    /// <summary>
    /// A cheap objective with its maximum 0 at subsample 0.8, learning_rate 0.03, max_depth 6,
    /// colsample_bytree 0.4, n_estimators 120 and gamma 0.
    /// </summary>
    internal static double Objective(IReadOnlyDictionary<string, double> c) =>
        -Square((c["subsample"] - 0.8) / 0.9)
        - Square((Math.Log10(c["learning_rate"]) - Math.Log10(0.03)) / 3)
        - Square((c["max_depth"] - 6) / 19)
        - (c["colsample_bytree"] == 0.4 ? 0 : 0.05)
        - Square((c["n_estimators"] - 120) / 60)
        - 0.05 * c["gamma"];

    private static double Square(double x) => x * x;

    private static SearchSettings Settings(SearchStrategyKind strategy, int trials, long seed, ScoringKind scoring = ScoringKind.Accuracy) =>
        new(strategy, trials, 3, seed, scoring, Mixed);

    private static TrialOutcome Score(TrialSpec trial, Func<IReadOnlyDictionary<string, double>, double> objective)
    {
        var score = objective(trial.Params);
        return new TrialOutcome(trial, [score], score, TimeSpan.Zero);
    }

    /// <summary>Runs a search one trial at a time, every result committed before the next ask.</summary>
    internal static List<TrialOutcome> RunSequentially(ITrialPlanner planner, Func<IReadOnlyDictionary<string, double>, double> objective)
    {
        var completed = new List<TrialOutcome>();
        while (!planner.IsFinished(completed))
        {
            var next = planner.Next(completed, [], 1);
            Assert.Single(next);
            completed.Add(Score(next[0], objective));
        }

        return completed;
    }

    private static double BestOf(IEnumerable<TrialOutcome> outcomes) => outcomes.Max(o => o.MeanScore);

    [Fact]
    public void Tpe_beats_random_at_equal_budget_over_thirty_seeds_by_a_margin_random_cannot_reach()
    {
        var tpeRegret = new List<double>();
        var randomRegret = new List<double>();
        for (var seed = 0; seed < 30; seed++)
        {
            tpeRegret.Add(-BestOf(RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 40, seed)), Objective)));
            randomRegret.Add(-BestOf(RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Random, 40, seed)), Objective)));
        }

        // Seen: median regret 0.088 against 0.159, TPE ahead in 27 of 30 seeds (its first 10 trials are random's first 10).
        var tpe = Median(tpeRegret);
        var random = Median(randomRegret);
        var ahead = tpeRegret.Zip(randomRegret).Count(p => p.First < p.Second);
        Assert.True(tpe < 0.65 * random, $"TPE's median regret {tpe} should be under 0.65 of random's {random}.");
        Assert.True(ahead >= 22, $"TPE should find a better config than random in at least 22 of 30 seeds, found {ahead}.");
    }

    [Fact]
    public void The_same_seed_and_the_same_committed_results_give_the_same_trials()
    {
        var first = RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 25, 7)), Objective);
        var second = RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 25, 7)), Objective);
        var otherSeed = RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 25, 8)), Objective);

        Assert.Equal(first.Select(o => o.Trial.TrialId), Enumerable.Range(0, 25));
        Assert.Equal(first.Select(o => o.Trial.Params), second.Select(o => o.Trial.Params), new ConfigComparer());
        Assert.NotEqual(first.Select(o => o.Trial.Params), otherSeed.Select(o => o.Trial.Params), new ConfigComparer());

        // A fresh planner asked once with the whole history decides what the first one decided then.
        var replay = TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 25, 7));
        var atTwenty = replay.Next(first.Take(20).ToArray(), [], 1);
        Assert.Equal(first[20].Trial.Params, atTwenty[0].Params, new ConfigComparer());
    }

    [Fact]
    public void The_startup_trials_are_the_random_strategys_first_configs_and_the_next_ones_differ()
    {
        var tpe = RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 15, 3)), Objective);
        var random = TrialPlanner.Create(Settings(SearchStrategyKind.Random, 15, 3)).Pending([]);

        Assert.Equal(random.Take(10).Select(t => t.Params), tpe.Take(10).Select(o => o.Trial.Params), new ConfigComparer());
        Assert.NotEqual(random.Skip(10).Select(t => t.Params), tpe.Skip(10).Select(o => o.Trial.Params), new ConfigComparer());
    }

    [Fact]
    public void The_number_of_startup_trials_is_a_setting()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 10, 3) with { TpeStartupTrials = 4 });
        var random = TrialPlanner.Create(Settings(SearchStrategyKind.Random, 10, 3)).Pending([]);
        var done = RunSequentially(planner, Objective);

        Assert.Equal(random.Take(4).Select(t => t.Params), done.Take(4).Select(o => o.Trial.Params), new ConfigComparer());
        Assert.NotEqual(random[4].Params, done[4].Trial.Params, new ConfigComparer());
    }

    [Fact]
    public void Tpe_concentrates_its_later_trials_near_a_known_optimum()
    {
        var space = new SearchSpace(new Dictionary<string, ParamDistribution>
        {
            ["subsample"] = new Uniform(0.01, 1.0),
            ["learning_rate"] = new LogUniform(0.0001, 1.0),
        });
        double Peak(IReadOnlyDictionary<string, double> c) =>
            -Math.Abs(c["subsample"] - 0.8) - Math.Abs(Math.Log10(c["learning_rate"]) + 2) / 4;

        var subsampleMisses = new List<double>();
        var rateMisses = new List<double>();
        for (var seed = 0; seed < 5; seed++)
        {
            var planner = TrialPlanner.Create(new SearchSettings(SearchStrategyKind.Tpe, 60, 3, seed, ScoringKind.Accuracy, space));
            foreach (var outcome in RunSequentially(planner, Peak).Skip(40))
            {
                subsampleMisses.Add(Math.Abs(outcome.Trial.Params["subsample"] - 0.8));
                rateMisses.Add(Math.Abs(Math.Log10(outcome.Trial.Params["learning_rate"]) + 2));
            }
        }

        // Uniform draws miss 0.8 by 0.26 in the median, and 10^-2 by 1.0 decade.
        Assert.True(Median(subsampleMisses) < 0.08, $"median distance of subsample to 0.8 in trials 40-59: {Median(subsampleMisses)}");
        Assert.True(Median(rateMisses) < 0.35, $"median distance of learning_rate to 1e-2 in decades in trials 40-59: {Median(rateMisses)}");
    }

    [Fact]
    public void Under_log_loss_it_concentrates_on_the_lowest_scores()
    {
        var space = new SearchSpace(new Dictionary<string, ParamDistribution> { ["subsample"] = new Uniform(0.01, 1.0) });
        var late = new List<double>();
        for (var seed = 0; seed < 5; seed++)
        {
            var planner = TrialPlanner.Create(new SearchSettings(SearchStrategyKind.Tpe, 60, 3, seed, ScoringKind.LogLoss, space));
            var done = RunSequentially(planner, c => Math.Abs(c["subsample"] - 0.2));
            late.AddRange(done.Skip(40).Select(o => Math.Abs(o.Trial.Params["subsample"] - 0.2)));
            Assert.Equal(done.Min(o => o.MeanScore), planner.Best(done).MeanScore);
        }

        // Uniform draws miss 0.2 by 0.3 in the median; a search that maximised would miss it by more.
        Assert.True(Median(late) < 0.08, $"median distance to 0.2 in trials 40-59: {Median(late)}");
    }

    [Fact]
    public void Two_asks_in_parallel_without_results_get_distinct_configs()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 30, 5));
        var completed = RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 12, 5)), Objective);

        var first = planner.Next(completed, [], 1);
        var second = planner.Next(completed, first, 1);
        var both = planner.Next(completed, [], 2);

        Assert.Equal(12, first[0].TrialId);
        Assert.Equal(13, second[0].TrialId);
        Assert.NotEqual(first[0].Params, second[0].Params, new ConfigComparer());
        Assert.Equal([12, 13], both.Select(t => t.TrialId));
        Assert.Equal(first[0].Params, both[0].Params, new ConfigComparer());
        Assert.Equal(second[0].Params, both[1].Params, new ConfigComparer());
    }

    [Fact]
    public void A_trial_in_flight_counts_as_the_worst_result()
    {
        var completed = RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 20, 2)), Objective);
        var planner = (TpePlanner)TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 40, 2));
        var running = planner.Next(completed, [], 1)[0];

        // Reported with the worst score, the running trial must lead the next ask exactly where the liar did.
        var worst = completed.Append(new TrialOutcome(running, [double.MinValue / 2], -1e9, TimeSpan.Zero)).ToArray();
        var withLiar = planner.Next(completed, [running], 1)[0];
        var withWorst = planner.Next(worst, [], 1)[0];

        Assert.Equal(running.TrialId + 1, withLiar.TrialId);
        Assert.Equal(withWorst.TrialId, withLiar.TrialId);
        Assert.Equal(withWorst.Params, withLiar.Params, new ConfigComparer());
    }

    [Fact]
    public void Every_distribution_kind_is_sampled_inside_its_support()
    {
        var rng = new Random(11);
        var completed = new List<TrialOutcome>();
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 80, 4));
        while (!planner.IsFinished(completed))
        {
            var batch = planner.Next(completed, [], 3);
            completed.AddRange(batch.Select(t => Score(t, _ => rng.NextDouble())));
        }

        Assert.Equal(Enumerable.Range(0, 80), completed.Select(o => o.Trial.TrialId).Order());
        foreach (var config in completed.Select(o => o.Trial.Params))
        {
            Assert.InRange(config["subsample"], 0.1, 1.0);
            Assert.InRange(config["learning_rate"], 0.001, 1.0);
            Assert.InRange(config["max_depth"], 1, 20);
            Assert.Equal(Math.Floor(config["max_depth"]), config["max_depth"]);
            Assert.Contains(config["colsample_bytree"], new[] { 0.2, 0.4, 0.6, 0.8, 1.0 });
            Assert.InRange(config["n_estimators"], 1, 100_000);
            Assert.Equal(Math.Floor(config["n_estimators"]), config["n_estimators"]);
            Assert.True(config["gamma"] >= 0 && double.IsFinite(config["gamma"]), $"gamma {config["gamma"]}");
        }

        // The estimator keeps the distributions' spread: neither collapsed to one value nor out to the tails.
        var late = completed.Where(o => o.Trial.TrialId >= 10).Select(o => o.Trial.Params).ToArray();
        Assert.True(late.Select(c => c["n_estimators"]).Distinct().Count() > 10);
        Assert.InRange(late.Average(c => c["n_estimators"]), 80, 120);
        Assert.InRange(late.Average(c => c["gamma"]), 0.3, 3);
    }

    [Fact]
    public void Pending_is_empty_and_the_search_ends_when_every_trial_is_committed()
    {
        var planner = TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 3, 0));
        Assert.Equal(3, planner.CandidateCount);
        Assert.Equal(3, planner.EstimatedTotalTrials);
        Assert.Empty(planner.Pending([]));

        var handed = planner.Next([], [], 5);
        Assert.Equal([0, 1, 2], handed.Select(t => t.TrialId));
        Assert.All(handed, t => Assert.Equal(HyperParameters.Rounds(t.Params), t.Rounds));

        // Trial 1 was lost: it is handed out again; trials done or running are not.
        var completed = new List<TrialOutcome> { Score(handed[0], Objective) };
        Assert.Equal([1], planner.Next(completed, [handed[2]], 5).Select(t => t.TrialId));
        Assert.False(planner.IsFinished(completed));

        completed.Add(Score(handed[2], Objective));
        completed.Add(Score(handed[1], Objective));
        Assert.True(planner.IsFinished(completed));
        Assert.Empty(planner.Next(completed, [], 1));
        Assert.Equal(completed.MaxBy(o => o.MeanScore)!.Trial.TrialId, planner.Best(completed).Trial.TrialId);
    }

    [Fact]
    public void Inherited_trials_are_learnt_from_and_weighed_by_best_but_not_run_again()
    {
        var earlier = RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 20, 9)), Objective);
        var settings = Settings(SearchStrategyKind.Tpe, 5, 9);
        var continued = TrialPlanner.CreateTpe(settings, earlier);
        var fresh = TrialPlanner.Create(settings);

        var next = continued.Next([], [], 5);
        Assert.Equal([0, 1, 2, 3, 4], next.Select(t => t.TrialId));
        // With 20 results known, TPE takes over at once: no random startup config is repeated.
        Assert.NotEqual(fresh.Next([], [], 1)[0].Params, next[0].Params, new ConfigComparer());
        Assert.Equal(earlier.MaxBy(o => o.MeanScore)!.MeanScore, continued.Best([]).MeanScore);
    }

    [Fact]
    public void A_tpe_search_refuses_a_list_of_configs()
    {
        var settings = Settings(SearchStrategyKind.Tpe, 3, 0) with { Configs = [new Dictionary<string, double> { ["max_depth"] = 3 }] };
        Assert.Throws<ArgumentException>(() => TrialPlanner.Create(settings));
    }

    [Fact]
    public void The_normal_distribution_function_keeps_its_digits_in_the_tails()
    {
        Assert.Equal(0.5, Gaussian.Cdf(0), 15);
        Assert.Equal(0.004677734981047266, Gaussian.Erfc(2), 15);
        AssertRelative(2.209049699858544e-05, Gaussian.Erfc(3));
        AssertRelative(1.5374597944280349e-12, Gaussian.Erfc(5));
        Assert.Equal(0.8427007929497149, 1 - Gaussian.Erfc(1), 15);
        Assert.Equal(0.15865525393145707, Gaussian.Cdf(-1), 15);
        AssertRelative(2.866515718791939e-07, Gaussian.UpperTail(5));
        Assert.Equal(Gaussian.Cdf(1) - Gaussian.Cdf(-2), Gaussian.Mass(-2, 1), 15);
    }

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-13 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    private sealed class ConfigComparer : IEqualityComparer<IReadOnlyDictionary<string, double>>
    {
        public bool Equals(IReadOnlyDictionary<string, double>? x, IReadOnlyDictionary<string, double>? y) =>
            x is not null && y is not null && x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v) && v.Equals(p.Value));

        public int GetHashCode(IReadOnlyDictionary<string, double> obj) => obj.Count;
    }
}
