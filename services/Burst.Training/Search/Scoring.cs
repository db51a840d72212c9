namespace Burst.Training.Search;

/// <summary>Scores binary predictions the way scikit-learn's scorers of the same name do.</summary>
public static class Scoring
{
    /// <summary>Probabilities are clipped this far from 0 and 1 so one confident mistake does not make the loss infinite (scikit-learn's default).</summary>
    private const double LogLossEpsilon = 1e-15;

    public static bool HigherIsBetter(ScoringKind kind) => kind switch
    {
        ScoringKind.Accuracy or ScoringKind.RocAuc => true,
        ScoringKind.LogLoss => false,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown scoring."),
    };

    /// <summary>True when <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/> under <paramref name="kind"/>.</summary>
    public static bool IsBetter(ScoringKind kind, double candidate, double incumbent) =>
        HigherIsBetter(kind) ? candidate > incumbent : candidate < incumbent;

    /// <summary>Scores <paramref name="probabilities"/> of the positive class against 0/1 <paramref name="labels"/>.</summary>
    public static double Score(ScoringKind kind, ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities) => kind switch
    {
        ScoringKind.Accuracy => Accuracy(labels, probabilities),
        ScoringKind.RocAuc => RocAuc(labels, probabilities),
        ScoringKind.LogLoss => LogLoss(labels, probabilities),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown scoring."),
    };

    /// <summary>Share of rows whose thresholded prediction (p &gt; 0.5, as XGBClassifier.predict) equals the label.</summary>
    public static double Accuracy(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        CheckLengths(labels, probabilities);
        long correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var predicted = probabilities[i] > 0.5f ? 1f : 0f;
            if (predicted == labels[i])
            {
                correct++;
            }
        }

        return (double)correct / labels.Length;
    }

    /// <summary>Area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties sharing their average rank.</summary>
    public static double RocAuc(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        CheckLengths(labels, probabilities);
        var order = new int[labels.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = probabilities.ToArray();
        Array.Sort(keys, order);

        double positiveRankSum = 0;
        long positives = 0;
        var start = 0;
        while (start < keys.Length)
        {
            var end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start])
            {
                end++;
            }

            // Ranks are 1-based; a run of ties shares the mean of its ranks.
            var averageRank = (start + end + 2) / 2.0;
            for (var j = start; j <= end; j++)
            {
                if (labels[order[j]] > 0.5f)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            // Undefined with one class; scikit-learn raises, a search is better served by a neutral score.
            return 0.5;
        }

        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Mean binary cross-entropy.</summary>
    public static double LogLoss(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        CheckLengths(labels, probabilities);
        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp((double)probabilities[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[i] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / labels.Length;
    }

    private static void CheckLengths(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        if (labels.Length != probabilities.Length)
        {
            throw new ArgumentException($"{labels.Length} labels but {probabilities.Length} predictions.", nameof(probabilities));
        }

        if (labels.Length == 0)
        {
            throw new ArgumentException("Nothing to score: no rows.", nameof(labels));
        }
    }
}
