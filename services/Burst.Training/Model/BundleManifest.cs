using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Burst.Training.Native;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>
/// burst-model.json, written beside model.json: everything needed to use and audit the model
/// without this program: how features were encoded, what the label means, the chosen params, the
/// scores, which data (by sha256) and which library versions made it.
/// </summary>
public sealed record BundleManifest(
    FeatureEncoding Encoding,
    IReadOnlyDictionary<string, double> BestParams,
    int Rounds,
    CrossValidationSummary CrossValidation,
    Metrics? TestMetrics,
    DataProvenance Data,
    IReadOnlyDictionary<string, string> Versions,
    DateTimeOffset CreatedAt)
{
    public const string FileName = "burst-model.json";

    /// <summary>Bumped when the layout changes incompatibly.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>The job that made the model, then the jobs whose searches it continued, oldest last; null outside a control plane.</summary>
    public IReadOnlyList<string>? JobChain { get; init; }

    /// <summary>snake_case names and string enums: the file is read by other languages too.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The XGBoost, engine and .NET versions of this process.</summary>
    public static IReadOnlyDictionary<string, string> CurrentVersions() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["xgboost"] = XGBoostLibrary.Version,
        ["burst_training"] = typeof(BundleManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        ["dotnet"] = Environment.Version.ToString(),
    };
}

/// <summary>How the model was chosen: the search, its scoring and the best cross-validation score.</summary>
public sealed record CrossValidationSummary(SearchStrategyKind Strategy, ScoringKind Scoring, int Folds, int Trials, double BestScore)
{
    /// <summary>The search's early_stopping_rounds (0: off).</summary>
    public int EarlyStoppingRounds { get; init; }

    /// <summary>With early stopping, the rounds each fold of the best trial kept; the refit trained their mean (the manifest's Rounds).</summary>
    public IReadOnlyList<int>? BestFoldRounds { get; init; }
}

/// <summary>Which data the model was trained and tested on.</summary>
public sealed record DataProvenance(string TrainUri, string TrainSha256, string? TestUri, string? TestSha256);
