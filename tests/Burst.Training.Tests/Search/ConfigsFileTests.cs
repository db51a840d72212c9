using Burst.Training.Search;

namespace Burst.Training.Tests.Search;

public sealed class ConfigsFileTests
{
    [Fact]
    public void A_list_of_objects_becomes_one_config_per_object_in_order()
    {
        var configs = ConfigsFile.Parse("""[{ "max_depth": 4, "learning_rate": 0.1 }, { "max_depth": 7 }]""", "c.json");

        Assert.Equal(2, configs.Count);
        Assert.Equal(0.1, configs[0]["learning_rate"]);
        Assert.Equal(4, configs[0]["max_depth"]);
        Assert.Equal(7, configs[1]["max_depth"]);
    }

    [Theory]
    [InlineData("""{ "max_depth": 4 }""", "c.json: expected a JSON array of configs, found an object")]
    [InlineData("[]", "c.json: the list of configs is empty")]
    [InlineData("[4]", "c.json: config [0] is a number, expected an object")]
    [InlineData("""[{ "max_depth": 4 }, { "max_depth": "deep" }]""", "c.json: config [1] \"max_depth\" is a string, expected a number")]
    [InlineData("[{", "c.json: not valid JSON (line 1")]
    public void A_bad_shape_is_refused_naming_the_source_and_the_config(string json, string problem)
    {
        var error = Assert.Throws<ConfigsFileException>(() => ConfigsFile.Parse(json, "c.json"));

        Assert.StartsWith(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{ "max_depth": 3 }, { "max_depht": 4 }]""", "max_depht")]
    [InlineData("""[{ "learning_rate": 1.5 }]""", "learning_rate")]
    [InlineData("""[{ "max_depth": 3.5 }]""", "whole number")]
    [InlineData("""[{ "eta": 0.1, "learning_rate": 0.2 }]""", "given twice")]
    public void A_config_the_engine_would_refuse_is_refused_when_the_file_is_read(string json, string problem)
    {
        var error = Assert.Throws<ConfigsFileException>(() => ConfigsFile.Parse(json, "c.json"));

        Assert.StartsWith("c.json: config [", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named_by_its_source()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-configs-{Guid.NewGuid():N}.json");

        var error = Assert.Throws<ConfigsFileException>(() => ConfigsFile.Read(path, $"--configs {path}"));

        Assert.StartsWith($"--configs {path}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bench_file_of_twenty_configs_is_read_whole()
    {
        var entries = Enumerable.Range(0, 20).Select(i =>
            $$"""{ "gamma": 0.0007, "learning_rate": 0.{{i + 10}}, "max_depth": {{3 + (i % 5)}}, "n_estimators": {{90 + i}}, "reg_lambda": 2.04256e-05 }""");

        var configs = ConfigsFile.Parse($"[\n{string.Join(",\n", entries)}\n]", "census-configs-20.json");

        Assert.Equal(20, configs.Count);
        Assert.All(configs, c => Assert.Equal(["gamma", "learning_rate", "max_depth", "n_estimators", "reg_lambda"], c.Keys));
        Assert.Equal(109, configs[19]["n_estimators"]);
    }
}
