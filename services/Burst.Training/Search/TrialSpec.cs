namespace Burst.Training.Search;

/// <summary>
/// One trial: a config cross-validated with <paramref name="Rounds"/> boosting rounds (its
/// n_estimators, or a successive-halving budget). <paramref name="TrialId"/> is the candidate's
/// index and stays the same across rungs; (TrialId, Rung) identifies a trial.
/// </summary>
public sealed record TrialSpec(int TrialId, int Rung, int Rounds, IReadOnlyDictionary<string, double> Params)
{
    public bool Matches(TrialSpec other) => TrialId == other.TrialId && Rung == other.Rung;

    /// <summary>
    /// How much work the trial is, relative to others of the same search: its rounds times its
    /// max_depth (XGBoost's default 6 when unset), since a hist tree costs one pass over the rows per
    /// level. Only an order for scheduling: the longest first, so that the last to finish are short.
    /// </summary>
    public double EstimatedWork => (double)Rounds * Math.Max(1, Params.GetValueOrDefault(HyperParameters.MaxDepth, 6));
}

/// <summary>
/// A finished trial: the score of each fold, their mean, and how long the trial took. With early
/// stopping, <paramref name="FoldRounds"/> holds the rounds each fold kept (its best iteration + 1)
/// and each fold's score is the score at that iteration; without it, null.
/// </summary>
public sealed record TrialOutcome(TrialSpec Trial, IReadOnlyList<double> FoldScores, double MeanScore, TimeSpan Duration, IReadOnlyList<int>? FoldRounds = null)
{
    /// <summary>The rounds a refit of this trial trains: the folds' mean best iteration (rounded), or the trial's rounds without early stopping.</summary>
    public int RefitRounds => FoldRounds is { Count: > 0 } rounds
        ? Math.Max(1, (int)Math.Round(rounds.Average(), MidpointRounding.AwayFromZero))
        : Trial.Rounds;
}

/// <summary>
/// What a search does. <paramref name="Configs"/>, when given, replaces sampling from
/// <paramref name="Space"/>. <paramref name="EarlyStoppingRounds"/> &gt; 0 stops each fold's booster
/// when its held-out fold has not improved for that many rounds. <paramref name="TpeStartupTrials"/>
/// is the number of random trials before TPE takes over (0: the default, 10).
/// </summary>
public sealed record SearchSettings(
    SearchStrategyKind Strategy,
    int Trials,
    int Folds,
    long Seed,
    ScoringKind Scoring,
    SearchSpace Space,
    IReadOnlyList<IReadOnlyDictionary<string, double>>? Configs = null,
    int EarlyStoppingRounds = 0,
    int TpeStartupTrials = 0);
