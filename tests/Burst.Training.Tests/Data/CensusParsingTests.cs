using Burst.Training.Storage;

namespace Burst.Training.Tests.Data;

public sealed class CensusParsingTests
{
    [Fact]
    public async Task The_census_files_load_with_every_record_and_the_seeds_class_balance()
    {
        var data = await Census.LoadAsync();

        Assert.Equal(32561, data.Train.Rows);
        Assert.Equal(14, data.Train.Columns);
        Assert.Equal(7841, data.Train.PositiveCount);
        Assert.NotNull(data.Test);
        Assert.Equal(16281, data.Test!.Rows);
        Assert.Equal(3846, data.Test.PositiveCount);
        Assert.Equal("5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d", data.TrainSha256);
        Assert.Equal("a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05", data.TestSha256);
    }

    [Fact]
    public async Task Rows_are_encoded_exactly_as_the_seeds_label_encoder_does()
    {
        var data = await Census.LoadAsync();

        // shared/bench/common.py load(): X[:2] and Xt[:2].
        Assert.Equal([39f, 7, 77516, 9, 13, 4, 1, 1, 4, 1, 2174, 0, 40, 39], data.Train.Row(0).ToArray());
        Assert.Equal([50f, 6, 83311, 9, 13, 2, 4, 0, 4, 1, 0, 0, 13, 39], data.Train.Row(1).ToArray());
        Assert.Equal([25f, 4, 226802, 1, 7, 4, 7, 3, 2, 1, 0, 0, 40, 39], data.Test!.Row(0).ToArray());
        Assert.Equal([38f, 4, 89814, 11, 9, 2, 5, 0, 4, 1, 0, 0, 50, 39], data.Test.Row(1).ToArray());
    }

    [Fact]
    public async Task A_question_mark_is_a_category_of_its_own_sorted_first()
    {
        var data = await Census.LoadAsync();
        var workclass = data.Encoding.Features.Single(f => f.Name == "workclass");

        Assert.Equal(FeatureKind.Categorical, workclass.Kind);
        Assert.Equal("?", workclass.Categories![0]);
        Assert.Equal(9, workclass.Categories.Count);
        Assert.Equal(42, data.Encoding.Features.Single(f => f.Name == "native-country").Categories!.Count);
        Assert.Equal(FeatureKind.Numeric, data.Encoding.Features.Single(f => f.Name == "fnlwgt").Kind);
        Assert.Equal(("income-level", ">50K"), (data.Encoding.Label.Column, data.Encoding.Label.PositiveLabel));
        Assert.Equal(["<=50K", ">50K"], data.Encoding.Label.Classes);
    }

    [Fact]
    public async Task Test_labels_with_a_trailing_period_and_the_leading_non_data_line_are_handled()
    {
        using var folder = new TempFolder();
        folder.File("adult.data", Census.Head(50) + "\n");
        folder.File("adult.test", "|1x3 Cross validator\n25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Male, 0, 0, 40, United-States, <=50K.\n52, Self-emp-inc, 287927, HS-grad, 9, Married-civ-spouse, Exec-managerial, Wife, White, Female, 15024, 0, 40, United-States, >50K.\n\n");

        var data = await DatasetLoader.LoadAsync(DatasetSpec.Census(folder.Path), ObjectStoreRegistry.Default, CancellationToken.None);

        Assert.Equal(50, data.Train.Rows);
        Assert.Equal([0f, 1f], data.Test!.Labels.ToArray());
    }

    [Fact]
    public async Task A_category_never_seen_in_training_becomes_missing()
    {
        using var folder = new TempFolder();
        folder.File("adult.data", Census.Head(50));
        folder.File("adult.test", "25, Martian, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Male, 0, 0, 40, United-States, <=50K.\n");

        var data = await DatasetLoader.LoadAsync(DatasetSpec.Census(folder.Path), ObjectStoreRegistry.Default, CancellationToken.None);

        Assert.True(float.IsNaN(data.Test!.Row(0)[1]));
    }
}
