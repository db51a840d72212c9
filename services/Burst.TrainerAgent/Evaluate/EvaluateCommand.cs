using System.Globalization;
using System.Text.Json;
using Burst.Training;
using Burst.Training.Storage;
using Burst.TrainerAgent.Cli;
using Burst.TrainerAgent.Train;

namespace Burst.TrainerAgent.Evaluate;

/// <summary><c>burst-agent evaluate --model URI --data URI</c>: scores a saved model bundle on a data file encoded as its training data was.</summary>
internal static class EvaluateCommand
{
    private static readonly string[] ValueFlags = ["model", "data", "format"];
    private static readonly string[] Switches = ["json"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var a = Arguments.Parse("evaluate", args, ValueFlags, Switches);
        var modelUri = a.NonEmpty("model") ?? throw new UsageException("evaluate: --model URI (a model folder, or its model.json) is required.");
        var dataUri = a.NonEmpty("data") ?? throw new UsageException("evaluate: --data URI is required.");
        DatasetFormat? format = a.Has("format") ? a.Choice("format", DatasetFormat.Census, TrainOptions.Formats) : null;

        // Accept the model.json itself as well as its folder: both name the same bundle.
        var folder = modelUri.EndsWith("/" + ModelBundle.ModelFileName, StringComparison.Ordinal) || modelUri == ModelBundle.ModelFileName
            ? modelUri[..^ModelBundle.ModelFileName.Length].TrimEnd('/') is { Length: > 0 } f ? f : "."
            : modelUri;
        var store = Agent.AgentStores.Create();
        using var bundle = await ModelBundle.LoadAsync(store, folder, ct).ConfigureAwait(false);
        var encoding = bundle.Manifest.Encoding;
        if (format is { } given && given != encoding.Format)
        {
            throw new UsageException($"evaluate: --format {given.ToString().ToLowerInvariant()} does not match the model, which was trained on {encoding.Format.ToString().ToLowerInvariant()} data.");
        }

        var (data, sha) = await DatasetLoader.LoadAsync(dataUri, encoding, store, ct).ConfigureAwait(false);
        var metrics = bundle.Model.Evaluate(data);
        if (a.Has("json"))
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                model = bundle.ModelUri,
                data = dataUri,
                data_sha256 = sha,
                rows = metrics.Count,
                accuracy = Math.Round(metrics.Accuracy, 5),
                auc = Math.Round(metrics.RocAuc, 5),
                log_loss = Math.Round(metrics.LogLoss, 5),
                true_positives = metrics.TruePositives,
                false_positives = metrics.FalsePositives,
                true_negatives = metrics.TrueNegatives,
                false_negatives = metrics.FalseNegatives,
            })).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"Rows: {metrics.Count}").ConfigureAwait(false);
            await output.WriteLineAsync($"Accuracy: {F(metrics.Accuracy)}").ConfigureAwait(false);
            await output.WriteLineAsync($"AUC: {F(metrics.RocAuc)}").ConfigureAwait(false);
            await output.WriteLineAsync($"Log loss: {F(metrics.LogLoss)}").ConfigureAwait(false);
            await output.WriteLineAsync($"Confusion (p > 0.5): TP {metrics.TruePositives}, FP {metrics.FalsePositives}, TN {metrics.TrueNegatives}, FN {metrics.FalseNegatives}").ConfigureAwait(false);
        }

        return 0;
    }

    private static string F(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
