using Burst.Training;
using Burst.Training.Search;
using Burst.TrainerAgent.Cli;

namespace Burst.TrainerAgent.Train;

/// <summary>The flags of <c>burst-agent train</c>, checked.</summary>
internal sealed record TrainOptions(
    DatasetSpec Dataset,
    string ModelOutput,
    SearchSettings Search,
    int Threads,
    bool Json,
    int ParallelTrials = 1)
{
    /// <summary>Configs sampled when neither --cv-iterations nor --configs is given.</summary>
    public const int DefaultTrials = 10;

    public const string DefaultModelOutput = "model";

    public static readonly string[] ValueFlags =
    [
        "census-data-path", "model-output-path", "cv-iterations", "configs", "folds", "seed", "scoring", "strategy", "threads",
        "train-uri", "test-uri", "format", "label-column", "positive-label", "space", "early-stopping-rounds", "tpe-startup-trials",
        "parallel-trials",
    ];

    public static readonly string[] Switches = ["json"];

    public static readonly Dictionary<string, ScoringKind> Scorings = new(StringComparer.Ordinal)
    {
        ["accuracy"] = ScoringKind.Accuracy,
        ["roc_auc"] = ScoringKind.RocAuc,
        ["log_loss"] = ScoringKind.LogLoss,
    };

    public static readonly Dictionary<string, SearchStrategyKind> Strategies = new(StringComparer.Ordinal)
    {
        ["random"] = SearchStrategyKind.Random,
        ["successive_halving"] = SearchStrategyKind.SuccessiveHalving,
        ["explicit"] = SearchStrategyKind.Explicit,
        ["tpe"] = SearchStrategyKind.Tpe,
    };

    public static readonly Dictionary<string, DatasetFormat> Formats = new(StringComparer.Ordinal)
    {
        ["census"] = DatasetFormat.Census,
        ["csv"] = DatasetFormat.Csv,
    };

    public static TrainOptions Parse(IReadOnlyList<string> args)
    {
        var a = Arguments.Parse("train", args, ValueFlags, Switches);
        var dataset = ParseDataset(a);
        var configsPath = a.NonEmpty("configs");
        var configs = configsPath is null ? null : ConfigsFile.Read(configsPath);
        var strategy = a.Choice("strategy", configs is null ? SearchStrategyKind.Random : SearchStrategyKind.Explicit, Strategies);
        if (strategy == SearchStrategyKind.Explicit && configs is null)
        {
            throw new UsageException("train: --strategy explicit needs --configs FILE.");
        }

        if (configs is not null && a.Has("cv-iterations"))
        {
            throw new UsageException("train: --cv-iterations samples configs; it cannot be combined with --configs, which lists them.");
        }

        var spacePath = a.NonEmpty("space");
        if (configs is not null && spacePath is not null)
        {
            throw new UsageException("train: --space is sampled from; it cannot be combined with --configs, which lists the configs.");
        }

        if (strategy == SearchStrategyKind.Tpe && configs is not null)
        {
            throw new UsageException("train: --strategy tpe samples from the space; it cannot be combined with --configs.");
        }

        if (strategy != SearchStrategyKind.Tpe && (a.Has("tpe-startup-trials") || a.Has("parallel-trials")))
        {
            throw new UsageException("train: --tpe-startup-trials and --parallel-trials go with --strategy tpe.");
        }

        var search = new SearchSettings(
            strategy,
            a.Int("cv-iterations", DefaultTrials, 1, 100_000),
            a.Int("folds", 3, 2, 100),
            a.Long("seed", 0),
            a.Choice("scoring", ScoringKind.Accuracy, Scorings),
            spacePath is null ? SearchSpace.Default : SpaceFile.Read(spacePath),
            configs,
            a.Int("early-stopping-rounds", 0, 0, 100_000),
            a.Int("tpe-startup-trials", 0, 1, 100_000));
        return new TrainOptions(
            dataset,
            a.NonEmpty("model-output-path") ?? DefaultModelOutput,
            search,
            a.Int("threads", 0, 1, 4096),
            a.Has("json"),
            a.Int("parallel-trials", 1, 1, 1024));
    }

    private static DatasetSpec ParseDataset(Arguments a)
    {
        var censusPath = a.NonEmpty("census-data-path");
        var trainUri = a.NonEmpty("train-uri");
        var testUri = a.NonEmpty("test-uri");
        var format = a.Choice("format", trainUri is null ? DatasetFormat.Census : DatasetFormat.Csv, Formats);
        var labelColumn = a.NonEmpty("label-column");
        var positiveLabel = a.NonEmpty("positive-label");
        if (censusPath is not null && (trainUri is not null || testUri is not null))
        {
            throw new UsageException("train: give either --census-data-path or --train-uri/--test-uri, not both.");
        }

        if (trainUri is null)
        {
            if (testUri is not null)
            {
                throw new UsageException("train: --test-uri needs --train-uri.");
            }

            if (format != DatasetFormat.Census || labelColumn is not null || positiveLabel is not null)
            {
                throw new UsageException("train: --format csv, --label-column and --positive-label go with --train-uri.");
            }

            return DatasetSpec.Census(censusPath ?? DatasetLoader.BundledCensusDirectory);
        }

        if (format == DatasetFormat.Census && (labelColumn is not null || positiveLabel is not null))
        {
            throw new UsageException("train: --label-column and --positive-label apply to --format csv only; census has its own label.");
        }

        return new DatasetSpec(trainUri, testUri, format, labelColumn, positiveLabel);
    }
}
