namespace Burst.Training.Search;

/// <summary>The cross-validation score a search maximises (or, for <see cref="LogLoss"/>, minimises).</summary>
public enum ScoringKind
{
    Accuracy,
    RocAuc,

    /// <summary>Lower is better.</summary>
    LogLoss,
}
