using System.Globalization;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>The full XGBoost parameter list for one fit: the fixed task settings plus a validated config.</summary>
internal static class BoosterParameters
{
    /// <summary>XGBoost's own default, used to key the fold matrices whose histogram index a config shares.</summary>
    public const int DefaultMaxBin = 256;

    public static IReadOnlyList<KeyValuePair<string, string>> For(IReadOnlyDictionary<string, double> config, int threads, long seed)
    {
        // Binary classification with histogram trees, as the seed's XGBClassifier(tree_method='hist').
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("objective", "binary:logistic"),
            new("tree_method", "hist"),
            new("nthread", threads.ToString(CultureInfo.InvariantCulture)),
            new("seed", (seed & int.MaxValue).ToString(CultureInfo.InvariantCulture)),
        };
        parameters.AddRange(HyperParameters.ToBoosterParameters(config));
        return parameters;
    }

    public static int MaxBin(IReadOnlyDictionary<string, double> config) =>
        config.TryGetValue("max_bin", out var bins) ? (int)bins : DefaultMaxBin;
}
