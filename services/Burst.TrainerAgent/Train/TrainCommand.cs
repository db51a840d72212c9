using System.Globalization;
using System.Text.Json;
using Burst.Training;
using Burst.Training.Search;
using Burst.Training.Storage;

namespace Burst.TrainerAgent.Train;

/// <summary>
/// <c>burst-agent train</c>: the seed trainer's job on this engine. One line per trial, then the
/// seed's closing lines, or with --json one JSON line a benchmark can parse.
/// </summary>
internal static class TrainCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var options = TrainOptions.Parse(args);
        var store = Agent.AgentStores.Create();
        if (!options.Json)
        {
            await output.WriteLineAsync("Building income level prediction model...").ConfigureAwait(false);
        }

        var data = await DatasetLoader.LoadAsync(options.Dataset, store, ct).ConfigureAwait(false);
        using var result = await SearchRunner.RunAsync(
            new SearchRequest(data.Train, data.Test, options.Search, options.Threads, options.ParallelTrials),
            async outcome => await output.WriteLineAsync(TrialLine(outcome)).ConfigureAwait(false),
            ct).ConfigureAwait(false);

        var manifest = new BundleManifest(
            data.Encoding,
            result.Best.Trial.Params,
            result.Model.Rounds,
            new CrossValidationSummary(options.Search.Strategy, options.Search.Scoring, options.Search.Folds, result.Trials.Count, result.Best.MeanScore)
            {
                EarlyStoppingRounds = options.Search.EarlyStoppingRounds,
                BestFoldRounds = result.Best.FoldRounds,
            },
            result.TestMetrics,
            new DataProvenance(options.Dataset.TrainUri, data.TrainSha256, options.Dataset.TestUri, data.TestSha256),
            BundleManifest.CurrentVersions(),
            DateTimeOffset.UtcNow);
        var modelUri = await ModelBundle.SaveAsync(store, options.ModelOutput, result.Model, manifest, ct).ConfigureAwait(false);

        if (options.Json)
        {
            await output.WriteLineAsync(JsonSummary(options, result, modelUri)).ConfigureAwait(false);
        }
        else
        {
            var accuracy = result.TestMetrics is { } test ? Format(test.Accuracy) : "n/a (no test file)";
            await output.WriteLineAsync($"Model accuracy: {accuracy}").ConfigureAwait(false);
            await output.WriteLineAsync($"Best parameters: {ParamsJson(result.Best.Trial.Params)}").ConfigureAwait(false);
            await output.WriteLineAsync($"Model path: {modelUri}").ConfigureAwait(false);
        }

        return 0;
    }

    internal static string TrialLine(TrialOutcome outcome)
    {
        var t = outcome.Trial;
        var folds = string.Join(", ", outcome.FoldScores.Select(Format));
        var kept = outcome.FoldRounds is { } rounds ? $" kept [{string.Join(", ", rounds)}]" : "";
        return $"trial {t.TrialId} rung {t.Rung} rounds {t.Rounds}{kept}: mean {Format(outcome.MeanScore)} folds [{folds}] " +
               $"{outcome.Duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)}s {ParamsJson(t.Params)}";
    }

    private static string JsonSummary(TrainOptions options, SearchResult result, string modelUri)
    {
        var seconds = result.SearchTime.TotalSeconds;
        var summary = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["impl"] = "burst_agent",
            ["strategy"] = options.Search.Strategy.ToString(),
            ["scoring"] = options.Search.Scoring.ToString(),
            ["configs"] = options.Search.Strategy == SearchStrategyKind.Tpe ? options.Search.Trials : TrialPlanner.Candidates(options.Search).Count,
            ["trials"] = result.Trials.Count,
            ["folds"] = options.Search.Folds,
            ["threads"] = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            ["search_s"] = Math.Round(seconds, 3),
            ["fits"] = result.Fits,
            ["fits_per_s"] = Math.Round(result.Fits / seconds, 3),
            ["boosting_rounds"] = result.BoostingRounds,
            ["cv_best"] = Math.Round(result.Best.MeanScore, 5),
            ["test_acc"] = result.TestMetrics is { } m ? Math.Round(m.Accuracy, 5) : null,
            ["test_auc"] = result.TestMetrics is { } n ? Math.Round(n.RocAuc, 5) : null,
            ["test_logloss"] = result.TestMetrics is { } l ? Math.Round(l.LogLoss, 5) : null,
            ["best_params"] = result.Best.Trial.Params,
            ["best_rounds"] = result.Best.Trial.Rounds,
            ["refit_rounds"] = result.Model.Rounds,
            ["early_stopping_rounds"] = options.Search.EarlyStoppingRounds,
            ["parallel_trials"] = options.ParallelTrials,
            ["rounds_saved"] = result.Trials.Sum(o => EarlyStopping.RoundsSaved(o.Trial.Rounds, o.FoldRounds ?? [], options.Search.EarlyStoppingRounds)),
            // Mean CV score of every rung-0 trial by trial id (hand-out order), for best-after-k curves.
            ["trial_scores"] = result.Trials.Where(o => o.Trial.Rung == 0).OrderBy(o => o.Trial.TrialId).Select(o => Math.Round(o.MeanScore, 6)).ToArray(),
            ["model_path"] = modelUri,
        };
        return JsonSerializer.Serialize(summary);
    }

    internal static string ParamsJson(IReadOnlyDictionary<string, double> parameters) =>
        JsonSerializer.Serialize(new SortedDictionary<string, double>(parameters.ToDictionary(), StringComparer.Ordinal));

    private static string Format(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
