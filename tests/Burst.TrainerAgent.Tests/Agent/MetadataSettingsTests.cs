using Burst.TrainerAgent.Agent;

namespace Burst.TrainerAgent.Tests.Agent;

public sealed class MetadataSettingsTests
{
    private static readonly Dictionary<string, string> VmAttributes = new()
    {
        ["burst-control-plane"] = "http://10.128.0.2:50051",
        ["burst-job-id"] = "j-01m8jraz0n2pvcgf",
        ["burst-worker-id"] = "w-3",
        ["burst-agent-token"] = "token-from-metadata",
        ["burst-traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ["burst-exit-action"] = "delete-instance",
    };

    [Fact]
    public async Task On_a_vm_every_setting_comes_from_the_instance_attributes()
    {
        var settings = await AgentSettings.FromMetadataAsync(new Attributes(VmAttributes), _ => null, CancellationToken.None);

        Assert.Equal(new Uri("http://10.128.0.2:50051"), settings.ControlPlane);
        Assert.Equal("j-01m8jraz0n2pvcgf", settings.JobId);
        Assert.Equal("w-3", settings.WorkerId);
        Assert.Equal("token-from-metadata", settings.Token);
        Assert.Equal(VmAttributes["burst-traceparent"], settings.TraceParent);
        Assert.Equal(ExitAction.DeleteInstance, settings.ExitAction);
    }

    [Fact]
    public async Task An_environment_variable_wins_over_the_attribute()
    {
        var settings = await AgentSettings.FromMetadataAsync(new Attributes(VmAttributes), n => n == AgentSettings.ExitActionVariable ? "shutdown" : null, CancellationToken.None);

        Assert.Equal(ExitAction.Shutdown, settings.ExitAction);
    }

    [Fact]
    public async Task A_missing_attribute_is_named_in_the_error()
    {
        var partial = VmAttributes.Where(a => a.Key != "burst-agent-token").ToDictionary();

        var error = await Assert.ThrowsAsync<AgentUsageException>(() => AgentSettings.FromMetadataAsync(new Attributes(partial), _ => null, CancellationToken.None));

        Assert.Contains("--token", error.Message, StringComparison.Ordinal);
        Assert.Contains("burst-agent-token", error.Message, StringComparison.Ordinal);
    }

    private sealed class Attributes(Dictionary<string, string> values) : IAttributeSource
    {
        public Task<string?> GetAttributeAsync(string key, CancellationToken ct) => Task.FromResult(values.GetValueOrDefault(key));
    }
}
