using Burst.Training.Native;
using Burst.Training.Search;

namespace Burst.Training.Tests.Native;

public sealed class BindingTests
{
    private static readonly TrialSpec Small = new(0, 0, 20, new Dictionary<string, double> { ["max_depth"] = 4, ["learning_rate"] = 0.3, ["n_estimators"] = 20 });

    [Fact]
    public void The_system_library_loads_and_reports_its_version()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", XGBoostLibrary.Version);
    }

    [Fact]
    public async Task A_model_trained_saved_and_loaded_again_predicts_exactly_the_same()
    {
        var data = await Census.LoadAsync();
        using var folder = new TempFolder();
        using var model = Refit.Run(data.Train, Small, threads: 2, CancellationToken.None);
        var before = model.Predict(data.Test!);

        model.SaveJson(folder["model.json"]);
        using var loaded = TrainedModel.LoadJson(folder["model.json"]);
        var after = loaded.Predict(data.Test!);

        Assert.Equal(20, loaded.Rounds);
        Assert.Equal(before, after);
        Assert.InRange(model.Evaluate(data.Test!).Accuracy, 0.85, 1);
        Assert.StartsWith("{", File.ReadAllText(folder["model.json"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_native_call_carries_xgboosts_own_message()
    {
        using var matrix = DMatrix.FromDense([1f, 2, 3, 4], rows: 2, columns: 2, labels: [0f, 1]);
        using var booster = Booster.Create(matrix, [new("objective", "binary:logistic"), new("max_depth", "not-a-number")]);

        // XGBoost takes the bad value silently and fails at the first round: why parameters are validated up front.
        var error = Assert.Throws<XGBoostException>(() => booster.UpdateOneIter(0, matrix));

        Assert.Equal(nameof(NativeMethods.XGBoosterUpdateOneIter), error.Call);
        Assert.Contains("max_depth", error.NativeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_a_corrupt_model_fails_with_a_library_error()
    {
        Assert.Throws<XGBoostException>(() => TrainedModel.FromJson("{\"not\": \"a model\"}"u8));
    }

    [Fact]
    public async Task Predicting_data_with_another_feature_count_is_rejected()
    {
        var data = await Census.LoadAsync();
        using var model = Refit.Run(data.Train, Small with { Rounds = 2 }, threads: 1, CancellationToken.None);
        var narrow = new TabularData([1f, 2], [0f], ["a", "b"], "narrow.csv");

        var error = Assert.Throws<ArgumentException>(() => model.Predict(narrow));
        Assert.Contains("narrow.csv", error.Message, StringComparison.Ordinal);
    }
}
