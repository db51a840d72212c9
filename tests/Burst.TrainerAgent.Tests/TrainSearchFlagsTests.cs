using System.Text.Json;
using Burst.Training;
using Burst.Training.Search;
using Burst.TrainerAgent.Cli;
using Burst.TrainerAgent.Train;

namespace Burst.TrainerAgent.Tests;

public sealed class TrainSearchFlagsTests
{
    /// <summary>Every distribution kind, in Search.space's JSON form (the wide-space.json layout).</summary>
    private const string EveryKind = """
        {
          "max_depth": {"int_range": {"low": 2, "high": 5}},
          "learning_rate": {"log_uniform": {"low": 0.05, "high": 0.4}},
          "n_estimators": {"poisson": {"mean": 30}},
          "subsample": {"uniform": {"low": 0.6, "high": 1.0}},
          "gamma": {"exponential": {"scale": 0.01}},
          "colsample_bytree": {"choice": {"values": [0.5, 1.0]}}
        }
        """;

    [Fact]
    public void Tpe_early_stopping_and_a_space_file_are_read_from_their_flags()
    {
        using var folder = new TempFolder();
        var space = folder.File("space.json", EveryKind);

        var options = TrainOptions.Parse(["--strategy", "tpe", "--space", space, "--early-stopping-rounds", "20", "--tpe-startup-trials", "4", "--parallel-trials", "2", "--cv-iterations", "9"]);

        Assert.Equal(SearchStrategyKind.Tpe, options.Search.Strategy);
        Assert.Equal((9, 20, 4, 2), (options.Search.Trials, options.Search.EarlyStoppingRounds, options.Search.TpeStartupTrials, options.ParallelTrials));
        Assert.Equal(new IntRange(2, 5), options.Search.Space.Parameters["max_depth"]);
        Assert.Equal(new LogUniform(0.05, 0.4), options.Search.Space.Parameters["learning_rate"]);
        Assert.Equal(new Poisson(30), options.Search.Space.Parameters["n_estimators"]);
        Assert.Equal(new Uniform(0.6, 1.0), options.Search.Space.Parameters["subsample"]);
        Assert.Equal(new Exponential(0.01), options.Search.Space.Parameters["gamma"]);
        Assert.Equal(new Choice([0.5, 1.0]), options.Search.Space.Parameters["colsample_bytree"]);
    }

    [Fact]
    public void Without_the_flags_there_is_no_early_stopping_and_the_seeds_space()
    {
        var options = TrainOptions.Parse([]);

        Assert.Equal(0, options.Search.EarlyStoppingRounds);
        Assert.Same(SearchSpace.Default, options.Search.Space);
        Assert.Equal(1, options.ParallelTrials);
    }

    [Theory]
    [InlineData("--early-stopping-rounds", "-1", "--early-stopping-rounds")]
    [InlineData("--tpe-startup-trials", "3", "--strategy tpe")]
    [InlineData("--parallel-trials", "2", "--strategy tpe")]
    public void Bad_search_flags_are_usage_errors_naming_the_flag(string flag, string value, string named)
    {
        var error = Assert.Throws<UsageException>(() => TrainOptions.Parse([flag, value]));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tpe_with_a_list_of_configs_is_a_usage_error()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", Fixtures.ThreeConfigs);

        var error = Assert.Throws<UsageException>(() => TrainOptions.Parse(["--strategy", "tpe", "--configs", configs]));

        Assert.Contains("--configs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"max_depth": {"int_range": {"low": 9, "high": 2}}}""", "max_depth")]
    [InlineData("""{"max_depth": {"normal": {"mean": 3}}}""", "normal")]
    [InlineData("""{"max_depht": {"int_range": {"low": 2, "high": 4}}}""", "max_depht")]
    [InlineData("""[1, 2]""", "JSON object")]
    public void A_bad_space_file_names_what_is_wrong(string content, string named)
    {
        using var folder = new TempFolder();
        var space = folder.File("space.json", content);

        var error = Assert.Throws<UsageException>(() => TrainOptions.Parse(["--space", space]));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("--space", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tpe_run_with_early_stopping_reports_kept_rounds_and_records_them_in_the_manifest()
    {
        using var folder = new TempFolder();
        var space = folder.File("space.json", EveryKind);
        using var output = new StringWriter();

        var exitCode = await TrainCommand.RunAsync(
            ["--strategy", "tpe", "--space", space, "--cv-iterations", "3", "--tpe-startup-trials", "2", "--early-stopping-rounds", "3",
             "--json", "--census-data-path", Fixtures.CensusDirectory, "--model-output-path", folder["m"]],
            output,
            CancellationToken.None);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var summary = JsonDocument.Parse(lines[^1]);
        var root = summary.RootElement;
        Assert.Equal(0, exitCode);
        Assert.Equal(3, lines.Count(l => l.StartsWith("trial ", StringComparison.Ordinal) && l.Contains(" kept [", StringComparison.Ordinal)));
        Assert.Equal("Tpe", root.GetProperty("strategy").GetString());
        Assert.Equal(3, root.GetProperty("trial_scores").GetArrayLength());
        Assert.Equal(3, root.GetProperty("early_stopping_rounds").GetInt32());

        var manifest = JsonSerializer.Deserialize<BundleManifest>(File.ReadAllBytes(Path.Combine(folder["m"], BundleManifest.FileName)), BundleManifest.JsonOptions)!;
        Assert.Equal(3, manifest.CrossValidation.EarlyStoppingRounds);
        Assert.Equal(3, manifest.CrossValidation.BestFoldRounds!.Count);
        Assert.Equal((int)Math.Round(manifest.CrossValidation.BestFoldRounds.Average(), MidpointRounding.AwayFromZero), manifest.Rounds);
        Assert.Equal(root.GetProperty("refit_rounds").GetInt32(), manifest.Rounds);
    }
}
