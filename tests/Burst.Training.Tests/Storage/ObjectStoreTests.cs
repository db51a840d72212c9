using System.Text;
using Burst.Training.Storage;

namespace Burst.Training.Tests.Storage;

public sealed class ObjectStoreTests
{
    [Fact]
    public async Task The_file_store_writes_and_reads_plain_paths_and_file_uris()
    {
        using var folder = new TempFolder();
        var store = new FileObjectStore();
        var path = Path.Combine(folder.Path, "nested", "thing.txt");

        await store.WriteAsync(path, new MemoryStream("hello"u8.ToArray()), "text/plain", CancellationToken.None);
        await using var stream = await store.OpenReadAsync(new Uri(path).AbsoluteUri, CancellationToken.None);
        using var reader = new StreamReader(stream, Encoding.UTF8);

        Assert.Equal("hello", await reader.ReadToEndAsync());
        Assert.True(await store.ExistsAsync(path, CancellationToken.None));
        Assert.False(await store.ExistsAsync(path + ".missing", CancellationToken.None));
        Assert.Equal(["thing.txt"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_registry_routes_by_scheme_and_names_an_unknown_one()
    {
        var registry = ObjectStoreRegistry.Default;

        Assert.True(registry.CanHandle("/tmp/x"));
        Assert.True(registry.CanHandle("file:///tmp/x"));
        Assert.False(registry.CanHandle("gs://bucket/x"));
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => registry.OpenReadAsync("gs://bucket/x", CancellationToken.None));
        Assert.Contains("'gs'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_a_missing_object_names_it()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => ObjectStoreRegistry.Default.OpenReadAsync("/no/such/file.csv", CancellationToken.None));

        Assert.Contains("/no/such/file.csv", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gs://bucket/models/", "model.json", "gs://bucket/models/model.json")]
    [InlineData("gs://bucket/models", "model.json", "gs://bucket/models/model.json")]
    [InlineData("/tmp/models", "model.json", "/tmp/models/model.json")]
    public void Combine_joins_a_folder_and_a_name_with_one_separator(string folder, string name, string expected)
    {
        Assert.Equal(expected, ObjectStoreRegistry.Combine(folder, name));
    }
}
