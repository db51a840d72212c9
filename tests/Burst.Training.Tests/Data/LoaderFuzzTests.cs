using Burst.Training.Storage;
using CsCheck;

namespace Burst.Training.Tests.Data;

/// <summary>Whatever bytes a data file holds, the loader either loads it or says why with a DataFormatException.</summary>
public sealed class LoaderFuzzTests
{
    // Characters that matter to a delimited reader, plus a few that do not.
    private static readonly Gen<string> CsvText = Gen.OneOf(",", ",", "\n", "\r\n", "\"", "\"\"", "1", "0", "2.5", "-", "x", "yes", "no", " ", "\t", ";", "?", "NaN", "é", "\0")
        .Array[0, 400]
        .Select(parts => string.Concat(parts));

    private static void LoadsOrSaysWhy(TempFolder folder, byte[] content, DatasetSpec spec)
    {
        File.WriteAllBytes(folder["train.csv"], content);
        try
        {
            DatasetLoader.LoadAsync(spec, ObjectStoreRegistry.Default, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (DataFormatException e)
        {
            Assert.StartsWith(folder["train.csv"] + ": line ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Random_bytes_give_a_dataset_or_a_data_format_exception_and_nothing_else()
    {
        using var folder = new TempFolder();
        var spec = new DatasetSpec(folder["train.csv"], null, DatasetFormat.Csv);

        Gen.Byte.Array[0, 2048].Sample(bytes => LoadsOrSaysWhy(folder, bytes, spec), iter: 300, threads: 1);
    }

    [Fact]
    public void Random_csv_like_text_with_a_label_column_gives_a_dataset_or_a_data_format_exception()
    {
        using var folder = new TempFolder();
        var spec = new DatasetSpec(folder["train.csv"], null, DatasetFormat.Csv, LabelColumn: "y");

        CsvText.Sample(text => LoadsOrSaysWhy(folder, System.Text.Encoding.UTF8.GetBytes("a,b,y\n" + text), spec), iter: 400, threads: 1);
    }

    [Fact]
    public void Random_census_like_text_gives_a_dataset_or_a_data_format_exception()
    {
        using var folder = new TempFolder();
        var spec = new DatasetSpec(folder["train.csv"], null, DatasetFormat.Census);

        CsvText.Sample(text => LoadsOrSaysWhy(folder, System.Text.Encoding.UTF8.GetBytes(text), spec), iter: 300, threads: 1);
    }

    [Fact]
    public async Task An_error_about_a_secret_file_quotes_no_more_than_a_short_snippet_of_any_cell()
    {
        using var folder = new TempFolder();
        var secret = "root:x:0:0:root:/root:/bin/bash-and-a-long-secret-value";
        var path = folder.File("passwd", $"{secret},{secret}2\n{secret}3,{secret}4\n");

        var error = await Assert.ThrowsAsync<DataFormatException>(() =>
            DatasetLoader.LoadAsync(new DatasetSpec(path, null, DatasetFormat.Csv, LabelColumn: "income"), ObjectStoreRegistry.Default, CancellationToken.None));

        Assert.StartsWith($"{path}: line 1, column 1:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{secret[..21]}...'", error.Message, StringComparison.Ordinal);
    }
}
