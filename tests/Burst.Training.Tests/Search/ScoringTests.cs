using Burst.Training.Search;

namespace Burst.Training.Tests.Search;

public sealed class ScoringTests
{
    private static readonly float[] Labels = [0, 0, 1, 1, 1, 0];
    private static readonly float[] Probabilities = [0.1f, 0.4f, 0.4f, 0.8f, 0.35f, 0.35f];

    [Fact]
    public void Accuracy_thresholds_at_one_half()
    {
        Assert.Equal(4.0 / 6, Scoring.Score(ScoringKind.Accuracy, Labels, Probabilities), 12);
    }

    [Fact]
    public void Roc_auc_matches_scikit_learn_with_tied_scores()
    {
        // sklearn.metrics.roc_auc_score on the same arrays.
        Assert.Equal(0.7777777777777778, Scoring.Score(ScoringKind.RocAuc, Labels, Probabilities), 12);
    }

    [Fact]
    public void Log_loss_matches_scikit_learn()
    {
        // sklearn.metrics.log_loss on the same arrays (float32 probabilities, hence the tolerance).
        Assert.Equal(0.5393709105338856, Scoring.Score(ScoringKind.LogLoss, Labels, Probabilities), 6);
    }

    [Fact]
    public void Only_log_loss_is_better_when_lower()
    {
        Assert.True(Scoring.HigherIsBetter(ScoringKind.Accuracy));
        Assert.True(Scoring.HigherIsBetter(ScoringKind.RocAuc));
        Assert.False(Scoring.HigherIsBetter(ScoringKind.LogLoss));
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Scoring.Score(ScoringKind.Accuracy, new float[] { 1 }, new float[] { 0.5f, 0.2f }));
    }
}
