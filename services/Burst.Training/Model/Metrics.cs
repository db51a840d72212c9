using Burst.Training.Search;

namespace Burst.Training;

/// <summary>Test metrics of a binary classifier; the confusion matrix is taken at p &gt; 0.5.</summary>
public sealed record Metrics(
    double Accuracy,
    double RocAuc,
    double LogLoss,
    long TruePositives,
    long FalsePositives,
    long TrueNegatives,
    long FalseNegatives,
    long Count)
{
    public static Metrics Compute(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var positive = labels[i] > 0.5f;
            var predicted = probabilities[i] > 0.5f;
            (tp, fp, tn, fn) = (positive, predicted) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (false, true) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                (true, false) => (tp, fp, tn, fn + 1),
            };
        }

        return new Metrics(
            Scoring.Accuracy(labels, probabilities),
            Scoring.RocAuc(labels, probabilities),
            Scoring.LogLoss(labels, probabilities),
            tp,
            fp,
            tn,
            fn,
            labels.Length);
    }
}
