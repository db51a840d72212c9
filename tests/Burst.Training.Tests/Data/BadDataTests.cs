using Burst.Training.Storage;

namespace Burst.Training.Tests.Data;

/// <summary>Each way a data file can be unusable fails with the file, line and column that show it.</summary>
public sealed class BadDataTests
{
    private const string Row = "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K";
    private const string PositiveRow = "52, Self-emp-inc, 287927, HS-grad, 9, Married-civ-spouse, Exec-managerial, Wife, White, Female, 15024, 0, 40, United-States, >50K";

    private static async Task<DataFormatException> LoadFails(DatasetSpec spec) =>
        await Assert.ThrowsAsync<DataFormatException>(() => DatasetLoader.LoadAsync(spec, ObjectStoreRegistry.Default, CancellationToken.None));

    [Fact]
    public async Task An_empty_census_file_names_the_file_and_its_first_line()
    {
        using var folder = new TempFolder();
        var path = folder.File("adult.data", "");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Census));

        Assert.Equal((path, 1L, 1), (error.File, error.Line, error.Column));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{path}: line 1, column 1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_csv_file_names_the_file_line_and_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("train.csv", "\n\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Csv));

        Assert.Equal(path, error.File);
        Assert.Equal(1, error.Column);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_with_a_header_and_no_rows_is_rejected()
    {
        using var folder = new TempFolder();
        var path = folder.File("train.csv", "a,b,label\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Csv));

        Assert.Equal((2L, 1), (error.Line, error.Column));
        Assert.Contains("No data rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ragged_census_row_names_its_line_and_the_first_missing_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("adult.data", $"{Row}\n{PositiveRow}\n39, State-gov, 77516, Bachelors\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Census));

        Assert.Equal((path, 3L, 5), (error.File, error.Line, error.Column));
        Assert.Contains("Expected 15 fields, found 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ragged_csv_row_with_an_extra_field_names_the_extra_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("train.csv", "a,b,label\n1,2,0\n3,4,1,9\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Csv));

        Assert.Equal((3L, 4), (error.Line, error.Column));
    }

    [Fact]
    public async Task A_missing_label_column_names_the_header_line()
    {
        using var folder = new TempFolder();
        var path = folder.File("train.csv", "a,b,target\n1,2,0\n3,4,1\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Csv, LabelColumn: "income"));

        Assert.Equal((path, 1L, 1), (error.File, error.Line, error.Column));
        Assert.Contains("No label column named 'income'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_file_without_the_label_column_is_rejected()
    {
        using var folder = new TempFolder();
        var train = folder.File("train.csv", "a,b,label\n1,2,0\n3,4,1\n");
        var test = folder.File("test.csv", "a,b\n1,2\n");

        var error = await LoadFails(new DatasetSpec(train, test, DatasetFormat.Csv));

        Assert.Equal((test, 1L, 1), (error.File, error.Line, error.Column));
        Assert.Contains("No label column 'label'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_with_one_class_only_names_the_label_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("adult.data", $"{Row}\n{Row}\n{Row}\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Census));

        Assert.Equal((path, 1L, 15), (error.File, error.Line, error.Column));
        Assert.Contains("one class only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_label_with_one_class_only_is_rejected()
    {
        using var folder = new TempFolder();
        var path = folder.File("train.csv", "x,y\n1,yes\n2,yes\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Csv, PositiveLabel: "yes"));

        Assert.Equal((2L, 2), (error.Line, error.Column));
        Assert.Contains("one class only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_in_a_census_number_column_names_the_line_and_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("adult.data", $"{Row}\n{PositiveRow}\n39, State-gov, lots, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Census));

        Assert.Equal((path, 3L, 3), (error.File, error.Line, error.Column));
        Assert.Contains("'lots'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_where_training_saw_numbers_names_the_test_files_line_and_column()
    {
        using var folder = new TempFolder();
        var train = folder.File("train.csv", "age,city,label\n30,Oslo,0\n40,Rome,1\n");
        var test = folder.File("test.csv", "age,city,label\n31,Oslo,0\nforty,Rome,1\n");

        var error = await LoadFails(new DatasetSpec(train, test, DatasetFormat.Csv));

        Assert.Equal((test, 3L, 1), (error.File, error.Line, error.Column));
        Assert.Contains("training saw numbers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_census_label_names_its_line_and_column()
    {
        using var folder = new TempFolder();
        var path = folder.File("adult.data", $"{Row}\n{PositiveRow}\n{Row.Replace("<=50K", "rich", StringComparison.Ordinal)}\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Census));

        Assert.Equal((3L, 15), (error.Line, error.Column));
    }

    [Fact]
    public async Task An_unclosed_quote_is_reported_where_its_record_starts()
    {
        using var folder = new TempFolder();
        var path = folder.File("train.csv", "a,b,label\n1,\"open,0\n2,3,1\n");

        var error = await LoadFails(new DatasetSpec(path, null, DatasetFormat.Csv));

        Assert.Equal((2L, 2), (error.Line, error.Column));
    }

    [Fact]
    public async Task A_missing_file_is_reported_with_its_uri()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            DatasetLoader.LoadAsync(new DatasetSpec("/nonexistent/adult.data", null, DatasetFormat.Census), ObjectStoreRegistry.Default, CancellationToken.None));

        Assert.Contains("/nonexistent/adult.data", error.Message, StringComparison.Ordinal);
    }
}
