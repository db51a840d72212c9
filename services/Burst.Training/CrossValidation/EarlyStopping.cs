using Burst.Training.Native;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>
/// Early stopping of one fold's booster, as xgboost's own early stopping does it: after each round
/// the held-out fold is scored with the job's metric (XGBoost's "error" for accuracy, "auc",
/// "logloss"); the best round is the first that strictly beat every earlier one, and training
/// stops once <c>patience</c> rounds have passed without a new best. The fold keeps its best
/// iteration: its score is taken from the model cut there.
/// </summary>
public static class EarlyStopping
{
    /// <summary>Rounds a fold trained: the rounds it kept plus the patience it waited, or all of them when it never stopped.</summary>
    public static int RoundsTrained(int rounds, int keptRounds, int patience) =>
        patience <= 0 ? rounds : Math.Min(rounds, keptRounds + patience);

    /// <summary>Boosting rounds early stopping saved in one trial: per fold, the trial's rounds less the rounds trained.</summary>
    public static long RoundsSaved(int rounds, IEnumerable<int> foldRounds, int patience)
    {
        ArgumentNullException.ThrowIfNull(foldRounds);
        return patience <= 0 ? 0 : foldRounds.Sum(kept => (long)rounds - RoundsTrained(rounds, kept, patience));
    }

    /// <summary>The eval_metric XGBoost scores a held-out fold with, for a scoring.</summary>
    internal static string MetricFor(ScoringKind scoring) => scoring switch
    {
        ScoringKind.Accuracy => "error",
        ScoringKind.RocAuc => "auc",
        ScoringKind.LogLoss => "logloss",
        _ => throw new ArgumentOutOfRangeException(nameof(scoring), scoring, "Unknown scoring."),
    };

    /// <summary>
    /// Boosts <paramref name="booster"/> (created with <see cref="MetricFor"/> as its eval_metric) on
    /// <paramref name="train"/> for at most <paramref name="rounds"/> rounds, stopping when
    /// <paramref name="validation"/> has not improved for <paramref name="patience"/> rounds.
    /// Returns the rounds up to and including the best one, and the rounds trained.
    /// </summary>
    internal static (int Kept, int Trained) Train(Booster booster, DMatrix train, DMatrix validation, int rounds, int patience, ScoringKind scoring, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        // Error is 1 - accuracy; all three metrics XGBoost prints are compared as it prints them.
        var higherIsBetter = scoring == ScoringKind.RocAuc;
        var best = double.NaN;
        var bestIteration = -1;
        for (var i = 0; i < rounds; i++)
        {
            ct.ThrowIfCancellationRequested();
            booster.UpdateOneIter(i, train);
            var value = booster.EvalOneIter(i, validation);
            if (bestIteration < 0 || (higherIsBetter ? value > best : value < best))
            {
                (best, bestIteration) = (value, i);
            }
            else if (i - bestIteration >= patience)
            {
                return (bestIteration + 1, i + 1);
            }
        }

        return (bestIteration + 1, rounds);
    }
}
