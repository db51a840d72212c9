using Burst.ControlPlane.Security;
using Burst.EndToEnd.Tests.Infrastructure;

namespace Burst.EndToEnd.Tests;

/// <summary>A client in another language on a server with API keys: the Node client sends BURST_API_KEY.</summary>
public sealed class AccessTests
{
    [Fact]
    public async Task The_node_client_sends_burst_api_key_and_without_it_is_unauthenticated()
    {
        var key = ApiKeys.Create();
        var dataDir = Repo.TempDir("burst-e2e-access");
        var keysFile = Path.Combine(dataDir, "api-keys");
        await File.WriteAllTextAsync(keysFile, ApiKeys.FileLine("node", ApiRole.Submit, key) + "\n");
        await using var server = await BurstServer.StartAsync(dataDir, new Dictionary<string, string> { ["Burst__ApiKeysFile"] = keysFile }, apiKey: key);
        var spec = Path.Combine(dataDir, "spec.json");
        await File.WriteAllTextAsync(spec, """{"display_name":"from node","search":{"trials":2,"folds":2}}""");
        string[] args = [Path.Combine(Repo.Root, "clients", "node", "burst-client.js"), "--server", $"127.0.0.1:{server.Port}", "--spec", spec];

        var without = await ProcessRunner.RunAsync("node", args, TimeSpan.FromMinutes(1));
        var with = await ProcessRunner.RunAsync("node", args, TimeSpan.FromMinutes(3), environment: new Dictionary<string, string> { ["BURST_API_KEY"] = key });

        Assert.Equal(1, without.ExitCode);
        Assert.Contains("SubmitJob failed: 16", without.StdErr, StringComparison.Ordinal);
        Assert.True(with.ExitCode == 0, with + "\n" + server.Log);
        Assert.Contains("final state JOB_STATE_SUCCEEDED", with.StdOut, StringComparison.Ordinal);
    }
}
