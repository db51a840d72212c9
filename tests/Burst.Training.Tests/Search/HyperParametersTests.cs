using Burst.Training.Search;

namespace Burst.Training.Tests.Search;

public sealed class HyperParametersTests
{
    [Fact]
    public void A_valid_config_passes()
    {
        HyperParameters.Validate(new Dictionary<string, double>
        {
            ["max_depth"] = 5, ["learning_rate"] = 0.1, ["n_estimators"] = 100, ["gamma"] = 0, ["reg_lambda"] = 1,
            ["reg_alpha"] = 0.5, ["min_child_weight"] = 1, ["subsample"] = 0.8, ["colsample_bytree"] = 1, ["max_bin"] = 64,
            ["scale_pos_weight"] = 3, ["max_delta_step"] = 0,
        });
    }

    [Fact]
    public void An_unknown_name_is_rejected_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => HyperParameters.Validate(new Dictionary<string, double> { ["learnin_rate"] = 0.1 }));

        Assert.Equal("learnin_rate", error.ParamName);
        Assert.Contains("Unknown hyperparameter 'learnin_rate'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("learning_rate", 0)]
    [InlineData("learning_rate", 1.5)]
    [InlineData("max_depth", 2.5)]
    [InlineData("max_depth", 0)]
    [InlineData("n_estimators", 0)]
    [InlineData("gamma", -1)]
    [InlineData("subsample", 0)]
    [InlineData("max_bin", 1)]
    [InlineData("reg_lambda", double.NaN)]
    [InlineData("eta", 2)]
    public void An_out_of_range_value_is_rejected_naming_the_parameter(string name, double value)
    {
        var error = Assert.Throws<ArgumentException>(() => HyperParameters.Validate(new Dictionary<string, double> { [name] = value }));

        Assert.Equal(name, error.ParamName);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void XGBoost_aliases_are_accepted_and_mapped_to_native_names()
    {
        var parameters = HyperParameters.ToBoosterParameters(new Dictionary<string, double> { ["eta"] = 0.3, ["lambda"] = 2, ["n_estimators"] = 10, ["max_depth"] = 4 });

        Assert.Equal(
            [new("eta", "0.3"), new("lambda", "2"), new("max_depth", "4")],
            parameters.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void A_parameter_given_under_two_spellings_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => HyperParameters.Validate(new Dictionary<string, double> { ["eta"] = 0.3, ["learning_rate"] = 0.2 }));

        Assert.Contains("given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rounds_come_from_n_estimators_or_default_to_a_hundred()
    {
        Assert.Equal(37, HyperParameters.Rounds(new Dictionary<string, double> { ["n_estimators"] = 37 }));
        Assert.Equal(100, HyperParameters.Rounds(new Dictionary<string, double> { ["max_depth"] = 3 }));
    }
}
