namespace Burst.Training.Search;

/// <summary>
/// One trial: a config cross-validated with <paramref name="Rounds"/> boosting rounds (its
/// n_estimators, or a successive-halving budget). <paramref name="TrialId"/> is the candidate's
/// index and stays the same across rungs; (TrialId, Rung) identifies a trial.
/// </summary>
public sealed record TrialSpec(int TrialId, int Rung, int Rounds, IReadOnlyDictionary<string, double> Params)
{
    public bool Matches(TrialSpec other) => TrialId == other.TrialId && Rung == other.Rung;
}

/// <summary>A finished trial: the score of each fold, their mean, and how long the trial took.</summary>
public sealed record TrialOutcome(TrialSpec Trial, IReadOnlyList<double> FoldScores, double MeanScore, TimeSpan Duration);

/// <summary>What a search does. <paramref name="Configs"/>, when given, replaces sampling from <paramref name="Space"/>.</summary>
public sealed record SearchSettings(
    SearchStrategyKind Strategy,
    int Trials,
    int Folds,
    long Seed,
    ScoringKind Scoring,
    SearchSpace Space,
    IReadOnlyList<IReadOnlyDictionary<string, double>>? Configs = null);
