using Burst.Fakes;
using Burst.TrainerAgent.Agent;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burst.TrainerAgent.Tests.Agent;

public sealed class ExitActionsTests
{
    [Fact]
    public async Task Delete_instance_deletes_the_vm_the_agent_runs_on_as_the_metadata_server_names_it()
    {
        await using var compute = await FakeComputeEngine.StartAsync("agent-project");
        var vm = compute.Plant("europe-west4-a", "burst-j-1-w-2", new Dictionary<string, string> { ["burst-managed"] = "true" });
        await using var metadata = await FakeMetadataServer.StartAsync("agent-project", "europe-west4-a", "burst-j-1-w-2", () => new Dictionary<string, string>());
        Func<string, string?> environment = name => name switch
        {
            "GCE_METADATA_HOST" => metadata.Host,
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE" => compute.BaseUrl,
            _ => null,
        };

        var deleted = await ExitActions.DeleteThisInstanceAsync(NullLogger.Instance, environment, CancellationToken.None);

        Assert.True(deleted);
        var (zone, name, userAgent) = Assert.Single(compute.Deletions);
        Assert.Equal(("europe-west4-a", vm.Name), (zone, name));
        Assert.StartsWith("burst-agent", userAgent, StringComparison.Ordinal);
        Assert.Empty(compute.Instances);
    }

    [Fact]
    public async Task Without_a_metadata_server_the_delete_is_not_possible_and_the_caller_falls_back()
    {
        var deleted = await ExitActions.DeleteThisInstanceAsync(NullLogger.Instance, name => name == "GCE_METADATA_HOST" ? "127.0.0.1:9" : null, CancellationToken.None);

        Assert.False(deleted);
    }
}
