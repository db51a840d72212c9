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

    /// <summary>Each next config sampled from what the committed trials taught (a Tree-structured Parzen Estimator).</summary>
    Tpe,
}
