using System.Text.Json;
using Burst.Training.Search;
using Burst.Training.Storage;

namespace Burst.Training.Tests.Model;

public sealed class ModelBundleTests
{
    [Fact]
    public async Task A_bundle_saves_the_model_and_its_manifest_and_loads_both_back()
    {
        var data = await Census.LoadAsync();
        using var folder = new TempFolder();
        var trial = new TrialSpec(3, 0, 15, new Dictionary<string, double> { ["max_depth"] = 4, ["learning_rate"] = 0.2, ["n_estimators"] = 15 });
        using var model = Refit.Run(data.Train, trial, threads: 2, CancellationToken.None);
        var metrics = model.Evaluate(data.Test!);
        var manifest = new BundleManifest(
            data.Encoding,
            trial.Params,
            trial.Rounds,
            new CrossValidationSummary(SearchStrategyKind.Explicit, ScoringKind.Accuracy, 3, 1, 0.86),
            metrics,
            new DataProvenance("train", data.TrainSha256, "test", data.TestSha256),
            BundleManifest.CurrentVersions(),
            DateTimeOffset.UnixEpoch);

        var modelUri = await ModelBundle.SaveAsync(ObjectStoreRegistry.Default, folder["bundle"], model, manifest, CancellationToken.None);
        using var loaded = await ModelBundle.LoadAsync(ObjectStoreRegistry.Default, folder["bundle"], CancellationToken.None);

        Assert.Equal(Path.Combine(folder["bundle"], "model.json"), modelUri);
        Assert.Equal(model.Predict(data.Test!), loaded.Model.Predict(data.Test!));
        Assert.Equal(metrics, loaded.Manifest.TestMetrics);
        Assert.Equal(data.Encoding.Features.Select(f => (f.Name, f.Kind)), loaded.Manifest.Encoding.Features.Select(f => (f.Name, f.Kind)));
        Assert.Equal(data.Encoding.Features[1].Categories, loaded.Manifest.Encoding.Features[1].Categories);
        Assert.Equal(">50K", loaded.Manifest.Encoding.Label.PositiveLabel);
        Assert.Equal(trial.Params, loaded.Manifest.BestParams);
        Assert.Equal(data.TrainSha256, loaded.Manifest.Data.TrainSha256);
        Assert.Equal(XGBoostVersion(), loaded.Manifest.Versions["xgboost"]);

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder["bundle"], BundleManifest.FileName)));
        Assert.Equal("accuracy", json.RootElement.GetProperty("cross_validation").GetProperty("scoring").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("format_version").GetInt32());
        Assert.True(json.RootElement.GetProperty("encoding").GetProperty("features").GetArrayLength() == 14);
    }

    [Fact]
    public async Task Loading_a_folder_without_a_bundle_names_the_missing_file()
    {
        using var folder = new TempFolder();

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => ModelBundle.LoadAsync(ObjectStoreRegistry.Default, folder.Path, CancellationToken.None));

        Assert.Contains(BundleManifest.FileName, error.Message, StringComparison.Ordinal);
    }

    private static string XGBoostVersion() => Burst.Training.Native.XGBoostLibrary.Version;
}
