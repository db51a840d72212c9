using Burst.TrainerAgent.Agent;
using Burst.Training.Storage;

namespace Burst.TrainerAgent.Tests.Agent;

public sealed class BundledObjectStoreTests
{
    [Fact]
    public async Task Bundled_uris_resolve_to_the_census_data_shipped_next_to_the_agent()
    {
        var store = BundledObjectStore.ForExecutable(new FileObjectStore());

        Assert.True(store.CanHandle("bundled://census/adult.data"));
        Assert.False(store.CanHandle("/tmp/adult.data"));
        Assert.True(await store.ExistsAsync("bundled://census/adult.data", CancellationToken.None));
        Assert.EndsWith(Path.Combine("data", "census", "adult.test"), store.Resolve("bundled://census/adult.test"));
    }

    [Theory]
    [InlineData("bundled://../etc/passwd")]
    [InlineData("bundled://census/../../x")]
    [InlineData("bundled://")]
    public void Paths_that_leave_the_bundled_folder_are_refused(string uri)
    {
        var store = BundledObjectStore.ForExecutable(new FileObjectStore());

        Assert.Throws<ArgumentException>(() => store.Resolve(uri));
    }

    [Fact]
    public async Task The_bundled_data_is_read_only()
    {
        var store = BundledObjectStore.ForExecutable(new FileObjectStore());

        await Assert.ThrowsAsync<NotSupportedException>(() =>
            store.WriteAsync("bundled://census/x", new MemoryStream(), "text/plain", CancellationToken.None));
    }
}
