using Burst.Cli.Specs;
using Burst.Cli.Tests.Support;

namespace Burst.Cli.Tests.Specs;

public sealed class ConfigsFileTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_list_of_objects_becomes_one_param_set_per_object()
    {
        var configs = ConfigsFile.Parse("""[{ "max_depth": 4, "learning_rate": 0.1 }, { "max_depth": 7 }]""", "test");

        Assert.Equal(2, configs.Count);
        Assert.Equal(0.1, configs[0].Values["learning_rate"]);
        Assert.Equal(4, configs[0].Values["max_depth"]);
        Assert.Equal(7, configs[1].Values["max_depth"]);
    }

    [Fact]
    public void The_bench_format_with_twenty_configs_is_read_whole()
    {
        var entries = Enumerable.Range(0, 20).Select(i =>
            $$"""{ "gamma": 0.0007, "learning_rate": 0.{{i + 10}}, "max_depth": {{3 + (i % 5)}}, "n_estimators": {{90 + i}}, "reg_lambda": 2.04256e-05 }""");
        var path = _files.Write("census-configs-20.json", $"[\n{string.Join(",\n", entries)}\n]");

        var configs = ConfigsFile.Read(path);

        Assert.Equal(20, configs.Count);
        Assert.All(configs, c => Assert.Equal(["gamma", "learning_rate", "max_depth", "n_estimators", "reg_lambda"], c.Values.Keys.Order()));
        Assert.Equal(2.04256e-05, configs[19].Values["reg_lambda"]);
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_named_by_index_and_key()
    {
        var error = Assert.Throws<CliUsageException>(() =>
            ConfigsFile.Parse("""[{ "max_depth": 4 }, { "max_depth": "deep" }]""", "--configs c.json"));

        Assert.Equal("--configs c.json: config [1] \"max_depth\" is a string, expected a number", error.Message);
    }

    [Theory]
    [InlineData("""{ "max_depth": 4 }""", "expected a JSON array")]
    [InlineData("[]", "empty")]
    [InlineData("[4]", "config [0] is a number")]
    [InlineData("[{", "not valid JSON")]
    public void Other_shapes_are_refused_saying_what_is_wrong(string json, string problem)
    {
        var error = Assert.Throws<CliUsageException>(() => ConfigsFile.Parse(json, "--configs c.json"));

        Assert.StartsWith("--configs c.json: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = _files.PathOf("nope.json");

        var error = Assert.Throws<CliUsageException>(() => ConfigsFile.Read(path));

        Assert.StartsWith($"--configs {path}: ", error.Message);
    }
}
