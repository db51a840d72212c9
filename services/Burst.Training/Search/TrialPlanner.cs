namespace Burst.Training.Search;

public static class TrialPlanner
{
    /// <summary>Builds the planner for <paramref name="settings"/>, checking every candidate config first.</summary>
    public static ITrialPlanner Create(SearchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Folds, "Folds must be at least 2.");
        }

        var candidates = Candidates(settings);
        return settings.Strategy switch
        {
            SearchStrategyKind.Random or SearchStrategyKind.Explicit => new SingleRungPlanner(candidates, settings.Scoring),
            SearchStrategyKind.SuccessiveHalving => new SuccessiveHalvingPlanner(candidates, settings.Scoring),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Strategy, "Unknown search strategy."),
        };
    }

    /// <summary>The configs a search considers: the explicit list when one is given, else samples from the space.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Candidates(SearchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<IReadOnlyDictionary<string, double>> configs;
        if (settings.Configs is { } given)
        {
            configs = given;
        }
        else if (settings.Strategy == SearchStrategyKind.Explicit)
        {
            throw new ArgumentException("The explicit strategy needs a list of configs.", nameof(settings));
        }
        else
        {
            if (settings.Trials < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(settings), settings.Trials, "Trials must be at least 1.");
            }

            ArgumentNullException.ThrowIfNull(settings.Space, nameof(settings.Space));
            configs = settings.Space.Sample(settings.Trials, settings.Seed);
        }

        if (configs.Count == 0)
        {
            throw new ArgumentException("The search has no configs to try.", nameof(settings));
        }

        foreach (var config in configs)
        {
            HyperParameters.Validate(config);
        }

        return configs;
    }

    internal static TrialOutcome BestOf(IEnumerable<TrialOutcome> outcomes, ScoringKind scoring)
    {
        TrialOutcome? best = null;
        foreach (var outcome in outcomes)
        {
            if (best is null
                || Scoring.IsBetter(scoring, outcome.MeanScore, best.MeanScore)
                || (outcome.MeanScore == best.MeanScore && outcome.Trial.TrialId < best.Trial.TrialId))
            {
                best = outcome;
            }
        }

        return best ?? throw new InvalidOperationException("No trial has finished yet.");
    }
}
