using System.IO.Compression;
using System.Text;
using Burst.Training.Storage;

namespace Burst.Training.Tests.Data;

public sealed class CsvParsingTests
{
    private static Task<LoadedDataset> Load(DatasetSpec spec) => DatasetLoader.LoadAsync(spec, ObjectStoreRegistry.Default, CancellationToken.None);

    [Fact]
    public async Task Numeric_columns_become_floats_and_text_columns_sorted_category_codes()
    {
        using var folder = new TempFolder();
        var train = folder.File("train.csv", "age,city,label\n30,Rome,no\n41.5,Oslo,yes\n25,Berlin,no\n");

        var data = await Load(new DatasetSpec(train, null, DatasetFormat.Csv));

        Assert.Equal(["age", "city"], data.Train.FeatureNames);
        Assert.Equal([30f, 2, 41.5f, 1, 25, 0], data.Train.Features.ToArray());
        Assert.Equal([0f, 1, 0], data.Train.Labels.ToArray());
        Assert.Equal(["Berlin", "Oslo", "Rome"], data.Encoding.Features[1].Categories);
        Assert.Equal("yes", data.Encoding.Label.PositiveLabel);
    }

    [Fact]
    public async Task Quoted_fields_may_hold_separators_quotes_and_line_breaks()
    {
        using var folder = new TempFolder();
        var train = folder.File("train.csv", "name,score,label\n\"Smith, J\",1,0\n\"say \"\"hi\"\"\",2,1\n\"two\nlines\",3,0\n");

        var data = await Load(new DatasetSpec(train, null, DatasetFormat.Csv));

        Assert.Equal(["Smith, J", "say \"hi\"", "two\nlines"], data.Encoding.Features[0].Categories);
        Assert.Equal(3, data.Train.Rows);
        Assert.Equal([1f, 2, 3], Enumerable.Range(0, 3).Select(r => data.Train.Row(r)[1]));
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public async Task The_separator_is_detected_from_the_header(char separator)
    {
        using var folder = new TempFolder();
        var s = separator.ToString();
        var train = folder.File("train.csv", $"a{s}b{s}label\n1{s}2{s}0\n3{s}4{s}1\n");

        var data = await Load(new DatasetSpec(train, null, DatasetFormat.Csv));

        Assert.Equal(separator, data.Encoding.Separator);
        Assert.Equal([1f, 2, 3, 4], data.Train.Features.ToArray());
    }

    [Fact]
    public async Task Missing_values_and_unseen_categories_become_nan()
    {
        using var folder = new TempFolder();
        var train = folder.File("train.csv", "x,color,label\n1,red,0\n,blue,1\n?,,0\n");
        var test = folder.File("test.csv", "label,color,x\n1,green,NA\n0,red,2\n");

        var data = await Load(new DatasetSpec(train, test, DatasetFormat.Csv));

        Assert.True(float.IsNaN(data.Train.Row(1)[0]));
        Assert.True(float.IsNaN(data.Train.Row(2)[0]));
        Assert.True(float.IsNaN(data.Train.Row(2)[1]));
        Assert.Equal(["blue", "red"], data.Encoding.Features[1].Categories);
        Assert.True(float.IsNaN(data.Test!.Row(0)[0]));
        Assert.True(float.IsNaN(data.Test.Row(0)[1]));
        Assert.Equal([2f, 1], data.Test.Row(1).ToArray());
        Assert.Equal([1f, 0], data.Test.Labels.ToArray());
    }

    [Fact]
    public async Task The_label_column_and_positive_label_can_be_named()
    {
        using var folder = new TempFolder();
        var train = folder.File("train.csv", "income,age,hours\nhigh,30,40\nlow,50,20\nhigh,22,60\n");

        var data = await Load(new DatasetSpec(train, null, DatasetFormat.Csv, LabelColumn: "income", PositiveLabel: "low"));

        Assert.Equal(["age", "hours"], data.Train.FeatureNames);
        Assert.Equal([0f, 1, 0], data.Train.Labels.ToArray());
    }

    [Fact]
    public async Task Gzip_files_are_read_transparently_and_hashed_as_stored()
    {
        using var folder = new TempFolder();
        const string text = "a,b,label\n1,2,0\n3,4,1\n5,6,0\n";
        var plain = folder.File("train.csv", text);
        var zipped = folder["train.csv.gz"];
        await using (var file = File.Create(zipped))
        await using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(text));
        }

        var fromPlain = await Load(new DatasetSpec(plain, null, DatasetFormat.Csv));
        var fromGzip = await Load(new DatasetSpec(zipped, null, DatasetFormat.Csv));

        Assert.Equal(fromPlain.Train.Features.ToArray(), fromGzip.Train.Features.ToArray());
        Assert.Equal(fromPlain.Train.Labels.ToArray(), fromGzip.Train.Labels.ToArray());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(zipped))), fromGzip.TrainSha256);
        Assert.NotEqual(fromPlain.TrainSha256, fromGzip.TrainSha256);
    }

    [Fact]
    public async Task Gzipped_census_files_load_like_the_plain_ones()
    {
        using var folder = new TempFolder();
        foreach (var name in new[] { "adult.data", "adult.test" })
        {
            await using var source = File.OpenRead(Path.Combine(Census.Directory, name));
            await using var target = File.Create(folder[name + ".gz"]);
            await using var gzip = new GZipStream(target, CompressionLevel.Fastest);
            await source.CopyToAsync(gzip);
        }

        var data = await Load(new DatasetSpec(folder["adult.data.gz"], folder["adult.test.gz"], DatasetFormat.Census));
        var plain = await Census.LoadAsync();

        Assert.Equal(plain.Train.Features.ToArray(), data.Train.Features.ToArray());
        Assert.Equal(plain.Test!.Labels.ToArray(), data.Test!.Labels.ToArray());
    }

    [Fact]
    public async Task A_file_uri_reads_the_same_file_as_its_path()
    {
        using var folder = new TempFolder();
        var path = folder.File("train.csv", "a,label\n1,0\n2,1\n");

        var data = await Load(new DatasetSpec(new Uri(path).AbsoluteUri, null, DatasetFormat.Csv));

        Assert.Equal([1f, 2], data.Train.Features.ToArray());
    }
}
