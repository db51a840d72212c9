using Burst.Training;
using Burst.Training.Search;
using Burst.TrainerAgent.Cli;
using Burst.TrainerAgent.Train;

namespace Burst.TrainerAgent.Tests;

public sealed class TrainCommandTests
{
    [Fact]
    public async Task Without_json_train_ends_with_the_seed_trainers_three_lines()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", Fixtures.ThreeConfigs);
        using var output = new StringWriter();

        var exitCode = await TrainCommand.RunAsync(["--configs", configs, "--census-data-path", Fixtures.CensusDirectory, "--model-output-path", folder["m"]], output, CancellationToken.None);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exitCode);
        Assert.Equal("Building income level prediction model...", lines[0]);
        Assert.StartsWith("Model accuracy: 0.8", lines[^3], StringComparison.Ordinal);
        Assert.StartsWith("Best parameters: {\"gamma\":", lines[^2], StringComparison.Ordinal);
        Assert.Equal($"Model path: {Path.Combine(folder["m"], "model.json")}", lines[^1]);
    }

    [Fact]
    public async Task Evaluate_accepts_the_model_json_path_and_rejects_a_format_the_model_was_not_trained_on()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", """[{"max_depth": 3, "learning_rate": 0.3, "n_estimators": 5}]""");
        await TrainCommand.RunAsync(["--configs", configs, "--census-data-path", Fixtures.CensusDirectory, "--model-output-path", folder["m"]], TextWriter.Null, CancellationToken.None);
        using var output = new StringWriter();

        var exitCode = await Burst.TrainerAgent.Evaluate.EvaluateCommand.RunAsync(
            ["--model", Path.Combine(folder["m"], "model.json"), "--data", Path.Combine(Fixtures.CensusDirectory, "adult.test"), "--json"], output, CancellationToken.None);
        var error = await Assert.ThrowsAsync<UsageException>(() => Burst.TrainerAgent.Evaluate.EvaluateCommand.RunAsync(
            ["--model", folder["m"], "--data", Path.Combine(Fixtures.CensusDirectory, "adult.test"), "--format", "csv"], TextWriter.Null, CancellationToken.None));

        Assert.Equal(0, exitCode);
        Assert.Contains("\"rows\":16281", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--format csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configs_default_to_the_explicit_strategy_and_sampling_to_random()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", Fixtures.ThreeConfigs);

        var explicitRun = TrainOptions.Parse(["--configs", configs]);
        var randomRun = TrainOptions.Parse(["--cv-iterations", "7", "--seed", "5", "--scoring", "roc_auc", "--folds", "4"]);

        Assert.Equal(SearchStrategyKind.Explicit, explicitRun.Search.Strategy);
        Assert.Equal(3, explicitRun.Search.Configs!.Count);
        Assert.Equal((SearchStrategyKind.Random, 7, 5L, ScoringKind.RocAuc, 4), (randomRun.Search.Strategy, randomRun.Search.Trials, randomRun.Search.Seed, randomRun.Search.Scoring, randomRun.Search.Folds));
        Assert.Equal(DatasetFormat.Census, randomRun.Dataset.Format);
        Assert.Equal("model", randomRun.ModelOutput);
    }

    [Theory]
    [InlineData("--folds", "1", "--folds")]
    [InlineData("--folds", "three", "--folds")]
    [InlineData("--scoring", "f1", "--scoring")]
    [InlineData("--strategy", "grid", "--strategy")]
    [InlineData("--threads", "0", "--threads")]
    [InlineData("--seed", "x", "--seed")]
    [InlineData("--strategy", "explicit", "--configs")]
    [InlineData("--label-column", "y", "--label-column")]
    public void Bad_flag_values_are_usage_errors_naming_the_flag(string flag, string value, string named)
    {
        var error = Assert.Throws<UsageException>(() => TrainOptions.Parse([flag, value]));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_without_its_value_is_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => TrainOptions.Parse(["--folds"]));

        Assert.Contains("--folds needs a value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configs_file_with_an_unknown_hyperparameter_names_the_config_and_the_parameter()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", """[{"max_depth": 3}, {"max_depht": 4}]""");

        var error = Assert.Throws<UsageException>(() => TrainOptions.Parse(["--configs", configs]));

        Assert.Contains("config [1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_depht", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configs_file_that_is_not_json_names_the_file()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", "[{");

        var error = Assert.Throws<UsageException>(() => TrainOptions.Parse(["--configs", configs]));

        Assert.Contains(configs, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_flags_describe_a_csv_dataset()
    {
        var options = TrainOptions.Parse(["--train-uri", "gs://b/train.csv.gz", "--test-uri", "gs://b/test.csv", "--label-column", "y", "--positive-label", "yes"]);

        Assert.Equal(new DatasetSpec("gs://b/train.csv.gz", "gs://b/test.csv", DatasetFormat.Csv, "y", "yes"), options.Dataset);
    }

    [Fact]
    public async Task Successive_halving_over_configs_reports_trials_from_more_than_one_rung()
    {
        using var folder = new TempFolder();
        var many = string.Join(",", Enumerable.Range(0, 9).Select(i => $$"""{"max_depth": {{3 + i % 4}}, "learning_rate": 0.{{10 + i}}, "n_estimators": {{40 + i}}}"""));
        var configs = folder.File("configs.json", $"[{many}]");
        using var output = new StringWriter();

        var exitCode = await TrainCommand.RunAsync(["--configs", configs, "--strategy", "successive_halving", "--json", "--census-data-path", Fixtures.CensusDirectory, "--model-output-path", folder["m"]], output, CancellationToken.None);

        var trialLines = output.ToString().Split('\n').Where(l => l.StartsWith("trial ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(0, exitCode);
        Assert.Contains(trialLines, l => l.Contains(" rung 0 ", StringComparison.Ordinal));
        Assert.Contains(trialLines, l => l.Contains(" rung 1 ", StringComparison.Ordinal));
        Assert.Contains("\"strategy\":\"SuccessiveHalving\"", output.ToString(), StringComparison.Ordinal);
    }
}
