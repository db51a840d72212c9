using Burst.Cloud.Metadata;
using Burst.Fakes;

namespace Burst.Cloud.Tests;

public sealed class MetadataClientTests
{
    [Fact]
    public async Task An_agent_reads_its_attributes_name_zone_project_and_token_from_the_metadata_server()
    {
        await using var server = await FakeMetadataServer.StartAsync("test-project", "us-central1-b", "burst-j-1-w-1", () => new Dictionary<string, string> { ["burst-job-id"] = "j-1" });
        using var client = MetadataClient.FromEnvironment(environment: Env(server.Host));

        Assert.True(await client.IsAvailableAsync(CancellationToken.None));
        Assert.Equal("j-1", await client.GetAttributeAsync("burst-job-id", CancellationToken.None));
        Assert.Null(await client.GetAttributeAsync("burst-nothing", CancellationToken.None));
        Assert.Equal("burst-j-1-w-1", await client.GetInstanceNameAsync(CancellationToken.None));
        Assert.Equal("us-central1-b", await client.GetZoneAsync(CancellationToken.None));
        Assert.Equal("test-project", await client.GetProjectIdAsync(CancellationToken.None));
        Assert.Equal("fake-metadata-token", await client.GetAccessTokenAsync(CancellationToken.None));

        await client.SetGuestAttributeAsync("burst/image-build", "done", CancellationToken.None);
        Assert.Equal("done", server.GuestAttributes["burst/image-build"]);
    }

    [Fact]
    public async Task No_metadata_server_means_not_on_a_vm()
    {
        using var client = MetadataClient.FromEnvironment(TimeSpan.FromSeconds(2), Env($"127.0.0.1:{FreePort()}"));

        Assert.False(await client.IsAvailableAsync(CancellationToken.None));
    }

    private static Func<string, string?> Env(string host) => name => name == CloudEndpoints.MetadataHostVariable ? host : null;

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
