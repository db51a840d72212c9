namespace Burst.Training.Search;

/// <summary>How the candidate configs of a search are chosen and how much each one is trained.</summary>
public enum SearchStrategyKind
{
    /// <summary>Configs sampled from the search space; every one gets its full n_estimators.</summary>
    Random,

    /// <summary>Configs sampled (or given); rungs of growing boosting budgets keep the best third each time.</summary>
    SuccessiveHalving,

    /// <summary>An explicit list of configs (the shared/bench JSON format); every one gets its full n_estimators.</summary>
    Explicit,

    /// <summary>
    /// A Tree-structured Parzen Estimator: after the first random trials, each config is drawn from
    /// what the committed trials taught; trials are decided when handed out (<see cref="ITrialPlanner.Next"/>).
    /// </summary>
    Tpe,
}
