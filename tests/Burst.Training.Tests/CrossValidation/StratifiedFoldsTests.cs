namespace Burst.Training.Tests.CrossValidation;

public sealed class StratifiedFoldsTests
{
    [Fact]
    public void Fold_assignment_equals_scikit_learns_unshuffled_stratified_k_fold()
    {
        // sklearn.model_selection.StratifiedKFold(3).split(zeros(17), y): the test fold of each row.
        float[] labels = [1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0];
        int[] sklearn = [0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2];

        Assert.Equal(sklearn, StratifiedFolds.Assign(labels, 3));
    }

    [Fact]
    public void Every_fold_keeps_the_class_ratio_of_the_census_training_file()
    {
        var labels = Enumerable.Range(0, 32561).Select(i => i % 4 == 0 || i % 17 == 0 ? 1f : 0f).ToArray();
        var overall = labels.Average();
        var folds = StratifiedFolds.Assign(labels, 5);

        for (var f = 0; f < 5; f++)
        {
            var inFold = labels.Where((_, i) => folds[i] == f).ToArray();
            Assert.InRange(inFold.Length, 32561 / 5, 32561 / 5 + 1);
            Assert.InRange(inFold.Average(), overall - 0.001, overall + 0.001);
        }
    }

    [Fact]
    public void A_shuffled_assignment_is_stratified_and_reproducible_from_its_seed()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        var first = StratifiedFolds.Assign(labels, 4, shuffleSeed: 12);

        Assert.Equal(first, StratifiedFolds.Assign(labels, 4, shuffleSeed: 12));
        Assert.NotEqual(first, StratifiedFolds.Assign(labels, 4));
        for (var f = 0; f < 4; f++)
        {
            Assert.Equal(labels.Where((_, i) => StratifiedFolds.Assign(labels, 4)[i] == f).Sum(), labels.Where((_, i) => first[i] == f).Sum());
        }
    }

    [Fact]
    public void More_folds_than_rows_in_every_class_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => StratifiedFolds.Assign([0, 1, 0, 1], 3));
    }
}
