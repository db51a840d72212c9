namespace Burst.Training.Search;

public static class TrialPlanner
{
    /// <summary>Builds the planner for <paramref name="settings"/>, checking every candidate config first.</summary>
    public static ITrialPlanner Create(SearchSettings settings)
    {
        Check(settings);
        if (settings.Strategy == SearchStrategyKind.Tpe)
        {
            return CreateTpe(settings);
        }

        // Check has validated any explicit configs; drawn ones are checked as they are drawn.
        var candidates = GivenConfigs(settings) ?? settings.Space.Sample(settings.Trials, settings.Seed);
        return settings.Strategy switch
        {
            SearchStrategyKind.Random or SearchStrategyKind.Explicit => new SingleRungPlanner(candidates, settings.Scoring),
            _ => new SuccessiveHalvingPlanner(candidates, settings.Scoring),
        };
    }

    /// <summary>
    /// Refuses (ArgumentException) whatever <see cref="Create(SearchSettings)"/> would refuse, without
    /// drawing the configs: checking a random search of many trials costs no more than one of two. Drawn
    /// configs need no check of their own, since the space's bounds were checked when it was built and
    /// unbounded distributions are pulled into range as they are sampled; explicit configs are checked one by one.
    /// </summary>
    public static void Check(SearchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Folds, "Folds must be at least 2.");
        }

        if (settings.EarlyStoppingRounds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.EarlyStoppingRounds, "EarlyStoppingRounds must not be negative (0 turns early stopping off).");
        }

        switch (settings.Strategy)
        {
            case SearchStrategyKind.Tpe:
                CheckTpe(settings);
                break;
            case SearchStrategyKind.Random or SearchStrategyKind.Explicit or SearchStrategyKind.SuccessiveHalving:
                if (GivenConfigs(settings) is { } given)
                {
                    foreach (var config in given)
                    {
                        HyperParameters.Validate(config);
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(settings), settings.Strategy, "Unknown search strategy.");
        }
    }

    /// <summary>
    /// The planner for a search that continues an earlier one over the same data and space:
    /// <paramref name="history"/> is that search's committed trials, in commit order. They are not
    /// run again; Best weighs them with the new trials. A random search draws the configs that
    /// follow the history's in the seed's sequence, and TPE learns from the history first, so either
    /// continued by m trials matches one longer search. Explicit and halving searches cannot be
    /// continued.
    /// </summary>
    public static ITrialPlanner Create(SearchSettings settings, IReadOnlyList<TrialOutcome>? history)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (history is null || history.Count == 0)
        {
            return Create(settings);
        }

        switch (settings.Strategy)
        {
            case SearchStrategyKind.Tpe:
                Check(settings);
                return CreateTpe(settings, history);
            case SearchStrategyKind.Random when settings.Configs is null:
                Check(settings);
                var candidates = settings.Space.Sample(history.Count + settings.Trials, settings.Seed).Skip(history.Count).ToArray();
                return new SingleRungPlanner(candidates, settings.Scoring, history);
            default:
                throw new ArgumentException($"A {settings.Strategy} search cannot be continued; random and TPE searches can.", nameof(settings));
        }
    }

    /// <summary>
    /// A TPE planner; <paramref name="history"/> (committed trials of an earlier search over the same
    /// data) is learnt from before the first trial and weighed by Best, but never run again.
    /// </summary>
    public static ITrialPlanner CreateTpe(SearchSettings settings, IReadOnlyList<TrialOutcome>? history = null)
    {
        CheckTpe(settings);
        var startup = settings.TpeStartupTrials > 0 ? settings.TpeStartupTrials : Tpe.TpePlanner.DefaultStartupTrials;
        return new Tpe.TpePlanner(settings.Space, settings.Trials, settings.Seed, settings.Scoring, startup, history);
    }

    /// <summary>The configs a search considers: the explicit list when one is given, else samples from the space.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Candidates(SearchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (GivenConfigs(settings) is { } given)
        {
            foreach (var config in given)
            {
                HyperParameters.Validate(config);
            }

            return given;
        }

        // Each drawn config is checked as it is drawn (SearchSpace.Sample).
        return settings.Space.Sample(settings.Trials, settings.Seed);
    }

    /// <summary>The explicit configs, or null when the configs are to be drawn from the space; refuses a search that has neither.</summary>
    private static IReadOnlyList<IReadOnlyDictionary<string, double>>? GivenConfigs(SearchSettings settings)
    {
        if (settings.Configs is { } given)
        {
            return given.Count > 0 ? given : throw new ArgumentException("The search has no configs to try.", nameof(settings));
        }

        if (settings.Strategy == SearchStrategyKind.Explicit)
        {
            throw new ArgumentException("The explicit strategy needs a list of configs.", nameof(settings));
        }

        if (settings.Trials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Trials, "Trials must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(settings.Space, nameof(settings.Space));
        return null;
    }

    private static void CheckTpe(SearchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Configs is not null)
        {
            throw new ArgumentException("The TPE strategy samples from the search space; it does not take a list of configs.", nameof(settings));
        }

        if (settings.Trials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Trials, "Trials must be at least 1.");
        }

        if (settings.TpeStartupTrials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.TpeStartupTrials, "TpeStartupTrials must not be negative (0 means the default).");
        }

        ArgumentNullException.ThrowIfNull(settings.Space, nameof(settings.Space));
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
