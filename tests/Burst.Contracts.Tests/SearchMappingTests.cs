using Burst.Training;
using Burst.Training.Search;
using Burst.V1;
using Scoring = Burst.V1.Scoring;

namespace Burst.Contracts.Tests;

public sealed class SearchMappingTests
{
    [Theory]
    [InlineData(SearchStrategy.Unspecified, SearchStrategyKind.Random)]
    [InlineData(SearchStrategy.Random, SearchStrategyKind.Random)]
    [InlineData(SearchStrategy.SuccessiveHalving, SearchStrategyKind.SuccessiveHalving)]
    [InlineData(SearchStrategy.Explicit, SearchStrategyKind.Explicit)]
    [InlineData(SearchStrategy.Tpe, SearchStrategyKind.Tpe)]
    public void Every_known_strategy_maps_to_its_engine_kind(SearchStrategy strategy, SearchStrategyKind kind) =>
        Assert.Equal(kind, SearchMapping.ToStrategy(strategy));

    [Fact]
    public void Every_engine_strategy_maps_back_to_the_proto_value_it_came_from()
    {
        foreach (var kind in Enum.GetValues<SearchStrategyKind>())
        {
            Assert.Equal(kind, SearchMapping.ToStrategy(SearchMapping.FromStrategy(kind)));
        }
    }

    [Fact]
    public void An_unknown_strategy_is_refused_naming_the_value()
    {
        var error = Assert.Throws<ArgumentException>(() => SearchMapping.ToStrategy((SearchStrategy)42));

        Assert.Contains("42", error.Message, StringComparison.Ordinal);
        Assert.Contains("search strategy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Scoring.Unspecified, ScoringKind.Accuracy)]
    [InlineData(Scoring.Accuracy, ScoringKind.Accuracy)]
    [InlineData(Scoring.RocAuc, ScoringKind.RocAuc)]
    [InlineData(Scoring.LogLoss, ScoringKind.LogLoss)]
    public void Every_known_scoring_maps_to_its_engine_kind(Scoring scoring, ScoringKind kind) =>
        Assert.Equal(kind, SearchMapping.ToScoring(scoring));

    [Fact]
    public void An_unknown_scoring_is_refused_naming_the_value()
    {
        var error = Assert.Throws<ArgumentException>(() => SearchMapping.ToScoring((Scoring)7));

        Assert.Contains("7", error.Message, StringComparison.Ordinal);
        Assert.Contains("scoring", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_data_format_is_refused_naming_the_value()
    {
        var error = Assert.Throws<ArgumentException>(() => SearchMapping.ToDatasetSpec(new Dataset { TrainUri = "a.csv", Format = (DataFormat)9 }));

        Assert.Contains("9", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", DatasetFormat.Census)]
    [InlineData("income", DatasetFormat.Csv)]
    public void An_unset_data_format_is_csv_with_a_label_column_and_census_without(string labelColumn, DatasetFormat format) =>
        Assert.Equal(format, SearchMapping.ToDatasetSpec(new Dataset { TrainUri = "a.csv", LabelColumn = labelColumn }).Format);

    [Fact]
    public void An_empty_search_takes_the_shared_defaults()
    {
        var settings = SearchMapping.ToSettings(new Search());

        Assert.Equal(SearchDefaults.Strategy, settings.Strategy);
        Assert.Equal(SearchDefaults.Trials, settings.Trials);
        Assert.Equal(SearchDefaults.Folds, settings.Folds);
        Assert.Equal(SearchDefaults.Scoring, settings.Scoring);
        Assert.Same(SearchSpace.Default, settings.Space);
        Assert.Null(settings.Configs);
    }

    [Fact]
    public void A_search_with_explicit_configs_keeps_them_in_order()
    {
        var search = new Search { Strategy = SearchStrategy.Explicit, Folds = 5 };
        search.Configs.Add(SearchMapping.ToParamSet(new Dictionary<string, double> { ["max_depth"] = 4 }));
        search.Configs.Add(SearchMapping.ToParamSet(new Dictionary<string, double> { ["max_depth"] = 6 }));

        var settings = SearchMapping.ToSettings(search);

        Assert.Equal(5, settings.Folds);
        Assert.Equal([4.0, 6.0], settings.Configs!.Select(c => c["max_depth"]));
    }

    [Fact]
    public void A_trial_survives_the_trip_to_an_agent_and_back_as_a_result()
    {
        var trial = new TrialSpec(3, 1, 40, new Dictionary<string, double> { ["max_depth"] = 5, ["learning_rate"] = 0.1 });

        var sent = SearchMapping.ToTrialSpec(SearchMapping.ToTrialToRun(trial));
        var result = SearchMapping.ToTrialResult(new TrialOutcome(sent, [0.8, 0.9], 0.85, TimeSpan.FromSeconds(2)), "w-1");
        var outcome = SearchMapping.ToOutcome(result);

        Assert.Equal("w-1", result.WorkerId);
        Assert.Equal((3, 1, 40), (outcome.Trial.TrialId, outcome.Trial.Rung, outcome.Trial.Rounds));
        Assert.Equal(trial.Params.OrderBy(p => p.Key), outcome.Trial.Params.OrderBy(p => p.Key));
        Assert.Equal([0.8, 0.9], outcome.FoldScores);
        Assert.Equal(0.85, outcome.MeanScore);
        Assert.Equal(TimeSpan.FromSeconds(2), outcome.Duration);
    }

    [Fact]
    public void Every_distribution_survives_the_trip_to_a_message_and_back()
    {
        foreach (var distribution in SearchSpace.Default.Parameters.Values)
        {
            Assert.Equal(distribution, SearchMapping.ToDistribution(SearchMapping.FromDistribution(distribution)));
        }
    }

    [Fact]
    public void An_empty_distribution_message_is_refused_listing_the_kinds()
    {
        var error = Assert.Throws<ArgumentException>(() => SearchMapping.ToDistribution(new Distribution()));

        Assert.Contains("log_uniform", error.Message, StringComparison.Ordinal);
    }
}
