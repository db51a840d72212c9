namespace Burst.Training.Search;

/// <summary>Hyperparameter name to distribution. Names are checked when the space is built.</summary>
public sealed class SearchSpace
{
    public SearchSpace(IReadOnlyDictionary<string, ParamDistribution> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("A search space needs at least one hyperparameter.", nameof(parameters));
        }

        var canonical = new SortedDictionary<string, ParamDistribution>(StringComparer.Ordinal);
        foreach (var (name, distribution) in parameters)
        {
            ArgumentNullException.ThrowIfNull(distribution, name);
            var key = HyperParameters.Canonical(name);
            if (!canonical.TryAdd(key, distribution))
            {
                throw new ArgumentException($"Hyperparameter '{key}' appears twice in the search space.", name);
            }

            CheckBounds(name, distribution);
        }

        // Sorted by name so that sampling order, and therefore the trials a seed gives, do not depend on how the caller built the dictionary.
        Parameters = canonical;
    }

    /// <summary>
    /// The seed tutorial's space: max_depth 3..7, learning_rate 0.01..0.19 in steps of 0.01,
    /// n_estimators ~ Poisson(100), gamma and reg_lambda ~ Exponential(0.001).
    /// </summary>
    public static SearchSpace Default { get; } = new(new Dictionary<string, ParamDistribution>
    {
        [HyperParameters.MaxDepth] = new IntRange(3, 7),
        [HyperParameters.LearningRate] = new Choice(Enumerable.Range(1, 19).Select(i => Math.Round(i * 0.01, 2)).ToArray()),
        [HyperParameters.NEstimators] = new Poisson(100),
        [HyperParameters.Gamma] = new Exponential(0.001),
        [HyperParameters.RegLambda] = new Exponential(0.001),
    });

    /// <summary>Canonical name to distribution, in ordinal name order.</summary>
    public IReadOnlyDictionary<string, ParamDistribution> Parameters { get; }

    /// <summary>Draws <paramref name="count"/> configs; the same seed always gives the same configs.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Sample(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        // Random(int) is the seeded legacy generator, whose sequence .NET keeps stable across versions.
        var rng = new Random(unchecked((int)(seed ^ (seed >>> 32))));
        var configs = new List<IReadOnlyDictionary<string, double>>(count);
        for (var i = 0; i < count; i++)
        {
            var config = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, distribution) in Parameters)
            {
                config[name] = HyperParameters.Coerce(name, distribution.Sample(rng));
            }

            HyperParameters.Validate(config);
            configs.Add(config);
        }

        return configs;
    }

    private static void CheckBounds(string name, ParamDistribution distribution)
    {
        // Bounded distributions must stay inside the parameter's range; unbounded ones are pulled into it when sampled.
        try
        {
            if (distribution is Choice choice)
            {
                foreach (var value in choice.Values)
                {
                    HyperParameters.ValidateValue(name, value);
                }
            }
            else if (distribution is Uniform or LogUniform or IntRange)
            {
                HyperParameters.ValidateValue(name, HyperParameters.IsInteger(name) ? Math.Ceiling(distribution.Min) : distribution.Min);
                HyperParameters.ValidateValue(name, HyperParameters.IsInteger(name) ? Math.Floor(distribution.Max) : distribution.Max);
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Search space for '{name}' ({distribution}) can produce invalid values: {e.Message}", name, e);
        }
    }
}
