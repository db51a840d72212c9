using Burst.Training.Storage;

namespace Burst.Training.Tests;

/// <summary>A temporary folder removed when the test ends.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "burst-training-tests", Guid.NewGuid().ToString("N"));

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The census data copied beside the tests, parsed once for every test that needs it.</summary>
internal static class Census
{
    private static readonly Lazy<Task<LoadedDataset>> Loaded = new(() =>
        DatasetLoader.LoadAsync(DatasetSpec.Census(Directory), ObjectStoreRegistry.Default, CancellationToken.None));

    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "data", "census");

    public static Task<LoadedDataset> LoadAsync() => Loaded.Value;

    /// <summary>The first <paramref name="rows"/> records of adult.data, for small quick fixtures.</summary>
    public static string Head(int rows) =>
        string.Join('\n', System.IO.File.ReadLines(System.IO.Path.Combine(Directory, "adult.data")).Take(rows)) + "\n";
}
