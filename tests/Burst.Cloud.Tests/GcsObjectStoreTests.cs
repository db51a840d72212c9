using System.Text;
using Burst.Cloud.Storage;
using Burst.Fakes;

namespace Burst.Cloud.Tests;

/// <summary>The fake Cloud Storage, found the way the library finds an emulator: STORAGE_EMULATOR_HOST.</summary>
public sealed class FakeStorageFixture : IAsyncLifetime
{
    internal FakeCloudStorage Fake { get; private set; } = null!;

    internal GcsObjectStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fake = await FakeCloudStorage.StartAsync();
        Fake.CreateBucket("data");
        Fake.CreateBucket("locked");
        Fake.DeniedBuckets["locked"] = true;

        // Only this class reads the variable, and it sets it once, before any client is built.
        Environment.SetEnvironmentVariable(CloudEndpoints.StorageEmulatorVariable, Fake.EmulatorHost);
        Store = GcsObjectStore.FromEnvironment();
    }

    public async Task DisposeAsync()
    {
        Store.Dispose();
        await Fake.DisposeAsync();
    }
}

public sealed class GcsObjectStoreTests(FakeStorageFixture fixture) : IClassFixture<FakeStorageFixture>
{
    private FakeCloudStorage Fake => fixture.Fake;

    private GcsObjectStore Store => fixture.Store;

    [Fact]
    public async Task An_object_written_through_a_resumable_upload_reads_back_byte_for_byte()
    {
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(4).NextBytes(content);

        await Store.WriteAsync("gs://data/models/j-1/model.json", new NonSeekableStream(content), "application/json", CancellationToken.None);
        await using var read = await Store.OpenReadAsync("gs://data/models/j-1/model.json", CancellationToken.None);
        var back = new MemoryStream();
        await read.CopyToAsync(back);

        Assert.Equal(content, back.ToArray());
        Assert.Equal("application/json", Fake.Get("data", "models/j-1/model.json")!.ContentType);
        Assert.Contains(Fake.Requests, r => r.StartsWith("POST /upload/storage/v1/b/data/o", StringComparison.Ordinal));
        Assert.Contains(Fake.Requests, r => r.StartsWith("PUT /upload/storage/v1/b/data/o", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Object_names_with_slashes_spaces_and_symbols_travel_url_encoded()
    {
        const string name = "census data/2026 #1/adult+test?.csv";
        Fake.Put("data", name, Encoding.UTF8.GetBytes("age,label\n1,yes\n"));

        Assert.True(await Store.ExistsAsync($"gs://data/{name}", CancellationToken.None));
        await using var read = await Store.OpenReadAsync($"gs://data/{name}", CancellationToken.None);
        Assert.Equal("age,label\n1,yes\n", await new StreamReader(read).ReadToEndAsync());

        await Store.WriteAsync($"gs://data/{name}.copy", new MemoryStream([1, 2, 3]), "text/csv", CancellationToken.None);
        Assert.Equal([1, 2, 3], Fake.Get("data", name + ".copy")!.Data);
    }

    [Fact]
    public async Task A_missing_object_is_a_FileNotFoundException_naming_the_uri()
    {
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync("gs://data/nope/adult.data", CancellationToken.None));

        Assert.Contains("gs://data/nope/adult.data", e.Message, StringComparison.Ordinal);
        Assert.Contains("no such object", e.Message, StringComparison.Ordinal);
        Assert.False(await Store.ExistsAsync("gs://data/nope/adult.data", CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_bucket_is_named_as_such()
    {
        var e = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Store.OpenReadAsync("gs://no-such-bucket/adult.data", CancellationToken.None));

        Assert.Contains("gs://no-such-bucket/adult.data", e.Message, StringComparison.Ordinal);
        Assert.Contains("the bucket 'no-such-bucket' does not exist", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Store.WriteAsync("gs://no-such-bucket/m/model.json", new MemoryStream([1]), "application/json", CancellationToken.None));
    }

    [Fact]
    public async Task A_denied_permission_names_the_uri_and_the_reason()
    {
        var e = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Store.OpenReadAsync("gs://locked/adult.data", CancellationToken.None));

        Assert.Contains("gs://locked/adult.data", e.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied (forbidden)", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Store.WriteAsync("gs://locked/model.json", new MemoryStream([1]), "application/json", CancellationToken.None));
    }

    [Fact]
    public async Task A_download_whose_bytes_do_not_match_the_crc32c_fails_instead_of_returning_them()
    {
        using var store = new GcsObjectStore(() => new Google.Cloud.Storage.V1.StorageClientBuilder { EmulatorDetection = Google.Api.Gax.EmulatorDetection.EmulatorOnly }.Build());
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("39, State-gov, 77516, Bachelors, <=50K\n", 1000)));
        Fake.Put("data", "corrupt.data", content);
        Fake.CorruptDownloads = true;
        try
        {
            await using var read = await store.OpenReadAsync("gs://data/corrupt.data", CancellationToken.None);
            var e = await Assert.ThrowsAnyAsync<IOException>(() => read.CopyToAsync(Stream.Null));
            Assert.Contains("gs://data/corrupt.data", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Fake.CorruptDownloads = false;
        }
    }

    [Fact]
    public void Only_gs_uris_are_handled()
    {
        Assert.True(Store.CanHandle("gs://b/o"));
        Assert.False(Store.CanHandle("/tmp/adult.data"));
        Assert.False(Store.CanHandle("file:///tmp/adult.data"));
        Assert.Throws<ArgumentException>(() => GcsUri.Parse("gs://bucket-only"));
        Assert.Equal(new GcsUri("b", "a/b c"), GcsUri.Parse("gs://b/a/b c"));
    }

    /// <summary>A stream of unknown length, as a model being serialized is.</summary>
    private sealed class NonSeekableStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
