using System.Text.Json;

namespace Burst.TrainerAgent.Tests;

public sealed class TrainProcessTests
{
    [Fact]
    public async Task Train_with_json_runs_the_configs_and_ends_with_one_parsable_summary_line()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", Fixtures.ThreeConfigs);

        var (exitCode, stdout, stderr) = await AgentProcess.RunAsync(
            "train", "--configs", configs, "--folds", "3", "--json", "--model-output-path", folder["model"], "--census-data-path", Fixtures.CensusDirectory);

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.StartsWith("trial ", StringComparison.Ordinal)));
        using var summary = JsonDocument.Parse(lines[^1]);
        var root = summary.RootElement;
        Assert.Equal(10, root.GetProperty("fits").GetInt32());
        Assert.True(root.GetProperty("search_s").GetDouble() > 0);
        Assert.True(root.GetProperty("fits_per_s").GetDouble() > 0);
        Assert.InRange(root.GetProperty("cv_best").GetDouble(), 0.85, 1);
        Assert.InRange(root.GetProperty("test_acc").GetDouble(), 0.85, 1);
        Assert.InRange(root.GetProperty("test_auc").GetDouble(), 0.88, 1);
        Assert.Equal("Explicit", root.GetProperty("strategy").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("best_params").ValueKind);
        Assert.True(File.Exists(Path.Combine(folder["model"], "model.json")));
        Assert.True(File.Exists(Path.Combine(folder["model"], "burst-model.json")));
    }

    [Fact]
    public async Task Evaluate_scores_a_saved_bundle_with_the_same_accuracy_train_reported()
    {
        using var folder = new TempFolder();
        var configs = folder.File("configs.json", Fixtures.ThreeConfigs);
        var (trainExit, trainOut, trainErr) = await AgentProcess.RunAsync(
            "train", "--configs", configs, "--json", "--model-output-path", folder["model"], "--census-data-path", Fixtures.CensusDirectory);
        Assert.True(trainExit == 0, trainErr);
        using var summary = JsonDocument.Parse(trainOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);

        var (exitCode, stdout, stderr) = await AgentProcess.RunAsync(
            "evaluate", "--model", folder["model"], "--data", Path.Combine(Fixtures.CensusDirectory, "adult.test"));

        Assert.True(exitCode == 0, stderr);
        var accuracy = stdout.Split('\n').Single(l => l.StartsWith("Accuracy: ", StringComparison.Ordinal))["Accuracy: ".Length..];
        var auc = stdout.Split('\n').Single(l => l.StartsWith("AUC: ", StringComparison.Ordinal))["AUC: ".Length..];
        Assert.Equal(summary.RootElement.GetProperty("test_acc").GetDouble(), double.Parse(accuracy, System.Globalization.CultureInfo.InvariantCulture), 5);
        Assert.Equal(summary.RootElement.GetProperty("test_auc").GetDouble(), double.Parse(auc, System.Globalization.CultureInfo.InvariantCulture), 5);
    }

    [Fact]
    public async Task An_unknown_flag_exits_with_2_and_names_the_flag()
    {
        var (exitCode, _, stderr) = await AgentProcess.RunAsync("train", "--cv-iteration", "3");

        Assert.Equal(2, exitCode);
        Assert.Contains("--cv-iteration", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_data_exits_with_1_and_names_file_line_and_column()
    {
        using var folder = new TempFolder();
        var train = folder.File("train.csv", "a,b,label\n1,2,0\n3,4\n");

        var (exitCode, _, stderr) = await AgentProcess.RunAsync("train", "--train-uri", train, "--cv-iterations", "1", "--model-output-path", folder["model"]);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{train}: line 3, column 3", stderr, StringComparison.Ordinal);
    }
}
