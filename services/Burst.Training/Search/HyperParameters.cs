using System.Collections.Frozen;
using System.Globalization;

namespace Burst.Training.Search;

/// <summary>
/// The hyperparameters a search may set, under their scikit-learn / XGBoost names, with their valid
/// ranges. XGBoost ignores unknown names and accepts malformed values until the first boosting
/// round, so everything is checked here, before it reaches the library.
/// </summary>
public static class HyperParameters
{
    /// <summary>XGBClassifier's default when a config does not name n_estimators.</summary>
    public const int DefaultRounds = 100;

    public const string MaxDepth = "max_depth";
    public const string LearningRate = "learning_rate";
    public const string NEstimators = "n_estimators";
    public const string Gamma = "gamma";
    public const string RegLambda = "reg_lambda";
    public const string RegAlpha = "reg_alpha";

    private static readonly FrozenDictionary<string, ParameterRange> Ranges = new ParameterRange[]
    {
        new(MaxDepth, "max_depth", 1, 64, IsInteger: true),
        new(LearningRate, "eta", 0, 1, LowExclusive: true),
        new(NEstimators, null, 1, 100_000, IsInteger: true),
        new(Gamma, "gamma", 0, double.PositiveInfinity),
        new(RegLambda, "lambda", 0, double.PositiveInfinity),
        new(RegAlpha, "alpha", 0, double.PositiveInfinity),
        new("min_child_weight", "min_child_weight", 0, double.PositiveInfinity),
        new("subsample", "subsample", 0, 1, LowExclusive: true),
        new("colsample_bytree", "colsample_bytree", 0, 1, LowExclusive: true),
        new("colsample_bylevel", "colsample_bylevel", 0, 1, LowExclusive: true),
        new("colsample_bynode", "colsample_bynode", 0, 1, LowExclusive: true),
        new("max_bin", "max_bin", 2, 65_536, IsInteger: true),
        new("max_leaves", "max_leaves", 0, int.MaxValue, IsInteger: true),
        new("scale_pos_weight", "scale_pos_weight", 0, double.PositiveInfinity, LowExclusive: true),
        new("max_delta_step", "max_delta_step", 0, double.PositiveInfinity),
        new("base_score", "base_score", 0, 1, LowExclusive: true, HighExclusive: true),
    }.ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>XGBoost's native spellings accepted as aliases of the scikit-learn names.</summary>
    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["eta"] = LearningRate,
        ["lambda"] = RegLambda,
        ["alpha"] = RegAlpha,
        ["min_split_loss"] = Gamma,
        ["num_boost_round"] = NEstimators,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every canonical name, for error messages and documentation.</summary>
    public static IReadOnlyCollection<string> Names => Ranges.Keys;

    /// <summary>The canonical (scikit-learn) name of <paramref name="name"/>; throws when it is not a known hyperparameter.</summary>
    public static string Canonical(string name)
    {
        ValidateName(name);
        return Aliases.TryGetValue(name, out var canonical) ? canonical : name;
    }

    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Ranges.ContainsKey(name) && !Aliases.ContainsKey(name))
        {
            throw new ArgumentException(
                $"Unknown hyperparameter '{name}'. Known: {string.Join(", ", Ranges.Keys.Order(StringComparer.Ordinal))} (aliases: {string.Join(", ", Aliases.Keys.Order(StringComparer.Ordinal))}).",
                name);
        }
    }

    /// <summary>Checks one value against its parameter's range; integer parameters need whole numbers.</summary>
    public static void ValidateValue(string name, double value)
    {
        var range = Ranges[Canonical(name)];
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"Hyperparameter '{name}' must be a finite number, got {Format(value)}.", name);
        }

        if (range.IsInteger && value != Math.Floor(value))
        {
            throw new ArgumentException($"Hyperparameter '{name}' must be a whole number, got {Format(value)}.", name);
        }

        var tooLow = range.LowExclusive ? value <= range.Low : value < range.Low;
        var tooHigh = range.HighExclusive ? value >= range.High : value > range.High;
        if (tooLow || tooHigh)
        {
            throw new ArgumentException($"Hyperparameter '{name}' must be in {range.Describe()}, got {Format(value)}.", name);
        }
    }

    /// <summary>Checks a whole config: known names, valid values, and no parameter given twice under two spellings.</summary>
    public static void Validate(IReadOnlyDictionary<string, double> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in config)
        {
            var canonical = Canonical(name);
            if (!seen.TryAdd(canonical, name))
            {
                throw new ArgumentException($"Hyperparameter '{canonical}' is given twice, as '{seen[canonical]}' and '{name}'.", name);
            }

            ValidateValue(name, value);
        }
    }

    /// <summary>True for parameters that only take whole numbers (sampled values are rounded).</summary>
    public static bool IsInteger(string name) => Ranges[Canonical(name)].IsInteger;

    /// <summary>Pulls a sampled value into the parameter's range (after rounding integers), so that e.g. Poisson(100) never yields 0 rounds.</summary>
    public static double Coerce(string name, double value)
    {
        var range = Ranges[Canonical(name)];
        if (range.IsInteger)
        {
            value = Math.Round(value, MidpointRounding.AwayFromZero);
        }

        return Math.Clamp(value, range.IsInteger && range.LowExclusive ? range.Low + 1 : range.Low, range.High);
    }

    /// <summary>The boosting rounds a config asks for (n_estimators, XGBClassifier's default 100 when absent).</summary>
    public static int Rounds(IReadOnlyDictionary<string, double> config)
    {
        foreach (var (name, value) in config)
        {
            if (Canonical(name) == NEstimators)
            {
                return checked((int)value);
            }
        }

        return DefaultRounds;
    }

    /// <summary>
    /// The config as XGBoost booster parameters (native names, invariant formatting), without
    /// n_estimators, which is the number of rounds rather than a booster parameter.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ToBoosterParameters(IReadOnlyDictionary<string, double> config)
    {
        Validate(config);
        var result = new List<KeyValuePair<string, string>>(config.Count);
        foreach (var (name, value) in config)
        {
            var range = Ranges[Canonical(name)];
            if (range.NativeName is null)
            {
                continue;
            }

            result.Add(new(range.NativeName, range.IsInteger ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture)));
        }

        return result;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed record ParameterRange(string Name, string? NativeName, double Low, double High, bool IsInteger = false, bool LowExclusive = false, bool HighExclusive = false)
    {
        public string Describe() =>
            $"{(LowExclusive ? "(" : "[")}{Format(Low)}, {(double.IsPositiveInfinity(High) ? "inf" : Format(High))}{(HighExclusive || double.IsPositiveInfinity(High) ? ")" : "]")}";
    }
}
