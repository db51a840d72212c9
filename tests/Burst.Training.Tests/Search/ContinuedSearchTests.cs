using Burst.Training.Search;

namespace Burst.Training.Tests.Search;

public sealed class ContinuedSearchTests
{
    private static readonly SearchSpace Space = new(new Dictionary<string, ParamDistribution>
    {
        ["subsample"] = new Uniform(0.1, 1.0),
        ["learning_rate"] = new LogUniform(0.001, 1.0),
        ["max_depth"] = new IntRange(1, 20),
        ["colsample_bytree"] = new Choice([0.2, 0.4, 0.6, 0.8, 1.0]),
        ["n_estimators"] = new Poisson(100),
        ["gamma"] = new Exponential(1.0),
    });

    private static SearchSettings Settings(SearchStrategyKind strategy, int trials) => new(strategy, trials, 3, 3, ScoringKind.Accuracy, Space);

    [Fact]
    public void A_chain_of_three_tpe_searches_decides_what_one_long_search_decides()
    {
        var longSearch = TpePlannerTests.RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 30)), TpePlannerTests.Objective);

        var first = TpePlannerTests.RunSequentially(TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 8)), TpePlannerTests.Objective);
        var secondPlanner = TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 10), first);
        var second = TpePlannerTests.RunSequentially(secondPlanner, TpePlannerTests.Objective);
        var thirdPlanner = TrialPlanner.Create(Settings(SearchStrategyKind.Tpe, 12), [.. first, .. second]);
        var third = TpePlannerTests.RunSequentially(thirdPlanner, TpePlannerTests.Objective);

        // Each job numbers its own trials from 0 and runs only its own budget: nothing inherited is run again.
        Assert.Equal(Enumerable.Range(0, 10), second.Select(o => o.Trial.TrialId));
        Assert.Equal(Enumerable.Range(0, 12), third.Select(o => o.Trial.TrialId));
        Assert.Equal(
            longSearch.Select(o => Describe(o.Trial.Params)),
            first.Concat(second).Concat(third).Select(o => Describe(o.Trial.Params)));
        Assert.Equal(longSearch.Max(o => o.MeanScore), thirdPlanner.Best(third).MeanScore);
        Assert.True(thirdPlanner.Best(third).MeanScore >= secondPlanner.Best(second).MeanScore);
    }

    [Fact]
    public void A_random_search_continued_draws_the_configs_a_longer_random_search_draws_next()
    {
        var longer = TrialPlanner.Create(Settings(SearchStrategyKind.Random, 15)).Pending([]);
        var first = TrialPlanner.Create(Settings(SearchStrategyKind.Random, 10)).Pending([])
            .Select(t => new TrialOutcome(t, [TpePlannerTests.Objective(t.Params)], TpePlannerTests.Objective(t.Params), TimeSpan.Zero))
            .ToArray();

        var continued = TrialPlanner.Create(Settings(SearchStrategyKind.Random, 5), first);

        Assert.Equal(longer.Skip(10).Select(t => Describe(t.Params)), continued.Pending([]).Select(t => Describe(t.Params)));
        Assert.Equal([0, 1, 2, 3, 4], continued.Pending([]).Select(t => t.TrialId));
        Assert.Equal(first.Max(o => o.MeanScore), continued.Best([]).MeanScore);
    }

    [Theory]
    [InlineData(SearchStrategyKind.SuccessiveHalving)]
    [InlineData(SearchStrategyKind.Explicit)]
    public void Explicit_and_halving_searches_cannot_be_continued(SearchStrategyKind strategy)
    {
        var history = new[] { new TrialOutcome(new TrialSpec(0, 0, 10, new Dictionary<string, double> { ["max_depth"] = 3 }), [0.5], 0.5, TimeSpan.Zero) };
        var settings = Settings(strategy, 3) with { Configs = [new Dictionary<string, double> { ["max_depth"] = 4 }] };

        var error = Assert.Throws<ArgumentException>(() => TrialPlanner.Create(settings, history));

        Assert.Contains(strategy.ToString(), error.Message, StringComparison.Ordinal);
    }

    private static string Describe(IReadOnlyDictionary<string, double> config) =>
        string.Join(",", config.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value:R}"));
}
