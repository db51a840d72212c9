using Burst.Training.Search;

namespace Burst.Training.Tests.Search;

public sealed class DistributionTests
{
    [Fact]
    public void The_same_seed_gives_the_same_configs()
    {
        var first = SearchSpace.Default.Sample(25, 42);
        var second = SearchSpace.Default.Sample(25, 42);

        Assert.Equal(25, first.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i], second[i]);
        }
    }

    [Fact]
    public void Different_seeds_give_different_configs()
    {
        var first = SearchSpace.Default.Sample(10, 1);
        var second = SearchSpace.Default.Sample(10, 2);

        Assert.NotEqual(first.Select(c => c["learning_rate"]), second.Select(c => c["learning_rate"]));
    }

    [Fact]
    public void The_default_space_samples_the_seed_tutorials_ranges()
    {
        var configs = SearchSpace.Default.Sample(2000, 7);

        Assert.All(configs, c =>
        {
            Assert.Equal(["gamma", "learning_rate", "max_depth", "n_estimators", "reg_lambda"], c.Keys.Order(StringComparer.Ordinal));
            Assert.InRange(c["max_depth"], 3, 7);
            Assert.InRange(c["learning_rate"], 0.01, 0.19);
            Assert.Equal(Math.Round(c["learning_rate"], 2), c["learning_rate"]);
            Assert.True(c["n_estimators"] >= 1 && c["n_estimators"] == Math.Floor(c["n_estimators"]));
            Assert.True(c["gamma"] >= 0 && c["reg_lambda"] >= 0);
        });
        Assert.Equal([3.0, 4, 5, 6, 7], configs.Select(c => c["max_depth"]).Distinct().Order());
        Assert.Equal(19, configs.Select(c => c["learning_rate"]).Distinct().Count());
        Assert.InRange(configs.Average(c => c["n_estimators"]), 99, 101);
        Assert.InRange(configs.Average(c => c["gamma"]), 0.0009, 0.0011);
        Assert.InRange(configs.Average(c => c["reg_lambda"]), 0.0009, 0.0011);
    }

    [Fact]
    public void Poisson_samples_have_the_mean_and_variance_of_a_poisson()
    {
        var rng = new Random(3);
        var poisson = new Poisson(4);
        var samples = Enumerable.Range(0, 20_000).Select(_ => poisson.Sample(rng)).ToArray();
        var mean = samples.Average();
        var variance = samples.Average(s => (s - mean) * (s - mean));

        Assert.InRange(mean, 3.9, 4.1);
        Assert.InRange(variance, 3.8, 4.2);
        Assert.All(samples, s => Assert.Equal(Math.Floor(s), s));
    }

    [Fact]
    public void A_large_poisson_mean_is_sampled_without_underflow()
    {
        var rng = new Random(5);
        var samples = Enumerable.Range(0, 2000).Select(_ => new Poisson(2000).Sample(rng)).ToArray();

        Assert.InRange(samples.Average(), 1990, 2010);
    }

    [Fact]
    public void Uniform_log_uniform_and_int_range_stay_within_their_bounds()
    {
        var rng = new Random(11);
        var uniform = Enumerable.Range(0, 5000).Select(_ => new Uniform(0.5, 0.9).Sample(rng)).ToArray();
        var logUniform = Enumerable.Range(0, 5000).Select(_ => new LogUniform(1e-4, 1).Sample(rng)).ToArray();
        var ints = Enumerable.Range(0, 5000).Select(_ => new IntRange(2, 4).Sample(rng)).ToArray();

        Assert.All(uniform, v => Assert.InRange(v, 0.5, 0.9));
        Assert.InRange(uniform.Average(), 0.69, 0.71);
        Assert.All(logUniform, v => Assert.InRange(v, 1e-4, 1));
        Assert.InRange(logUniform.Average(Math.Log10), -2.1, -1.9);
        Assert.Equal([2.0, 3, 4], ints.Distinct().Order());
    }

    [Fact]
    public void Choice_only_returns_its_values_and_compares_by_content()
    {
        var rng = new Random(1);
        var choice = new Choice([0.1, 0.2, 0.3]);

        Assert.All(Enumerable.Range(0, 100).Select(_ => choice.Sample(rng)), v => Assert.Contains(v, new[] { 0.1, 0.2, 0.3 }));
        Assert.Equal(choice, new Choice([0.1, 0.2, 0.3]));
    }

    [Fact]
    public void Exponential_samples_have_the_given_mean()
    {
        var rng = new Random(9);
        var samples = Enumerable.Range(0, 20_000).Select(_ => new Exponential(0.5).Sample(rng)).ToArray();

        Assert.All(samples, s => Assert.True(s >= 0));
        Assert.InRange(samples.Average(), 0.48, 0.52);
    }

    [Theory]
    [InlineData("uniform-reversed")]
    [InlineData("uniform-nan")]
    [InlineData("log-uniform-zero")]
    [InlineData("int-range-reversed")]
    [InlineData("poisson-negative")]
    [InlineData("exponential-zero")]
    [InlineData("choice-empty")]
    public void Invalid_distribution_arguments_are_rejected_with_a_message_naming_them(string which)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => which switch
        {
            "uniform-reversed" => (ParamDistribution)new Uniform(5, 1),
            "uniform-nan" => new Uniform(double.NaN, 1),
            "log-uniform-zero" => new LogUniform(0, 1),
            "int-range-reversed" => new IntRange(7, 3),
            "poisson-negative" => new Poisson(-1),
            "exponential-zero" => new Exponential(0),
            _ => new Choice([]),
        });

        Assert.False(string.IsNullOrEmpty(error.ParamName));
        Assert.Contains(error.ParamName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_space_whose_range_leaves_the_parameters_valid_values_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchSpace(new Dictionary<string, ParamDistribution>
        {
            ["learning_rate"] = new Uniform(0.1, 2),
        }));

        Assert.Equal("learning_rate", error.ParamName);
    }

    [Fact]
    public void A_space_with_an_unknown_parameter_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchSpace(new Dictionary<string, ParamDistribution>
        {
            ["max_dept"] = new IntRange(3, 7),
        }));

        Assert.Equal("max_dept", error.ParamName);
    }

    [Fact]
    public void Sampled_spaces_do_not_depend_on_the_order_parameters_were_given_in()
    {
        var a = new SearchSpace(new Dictionary<string, ParamDistribution> { ["max_depth"] = new IntRange(3, 7), ["gamma"] = new Exponential(1) });
        var b = new SearchSpace(new Dictionary<string, ParamDistribution> { ["gamma"] = new Exponential(1), ["max_depth"] = new IntRange(3, 7) });

        Assert.Equal(a.Sample(5, 3), b.Sample(5, 3));
    }
}
