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

/// <summary>A real agent attaches over TLS to a control plane whose certificate a private CA issued.</summary>
public sealed class TlsJobTests
{
    [Fact]
    public async Task A_job_runs_to_success_with_its_agent_calling_back_over_tls_and_trusting_the_agent_ca_file()
    {
        using var certs = Burst.Tests.Shared.TestCertificates.Create();
        var dataDir = Repo.TempDir("burst-e2e-tls");
        var options = new Burst.ControlPlane.ControlPlaneOptions
        {
            Listen = "https://127.0.0.1:0",
            DataDir = dataDir,
            TlsCertificateFile = certs.ServerCertFile,
            TlsKeyFile = certs.ServerKeyFile,
            AgentCaFile = certs.CaFile,
            AgentPath = Repo.Executable("burst-agent"),
            StopWorkersOnShutdown = true,
        };
        await using var app = Burst.ControlPlane.ControlPlaneApp.Build(options);
        await app.StartAsync();
        var address = Burst.ControlPlane.ControlPlaneApp.BoundAddress(app);
        var handler = new SocketsHttpHandler();
        Burst.Cloud.Tls.PrivateCaTrust.FromPemFile(certs.CaFile).Apply(handler);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(address, new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = handler });
        var jobs = new Burst.V1.JobService.JobServiceClient(channel);

        var job = await jobs.SubmitJobAsync(new Burst.V1.SubmitJobRequest { Spec = Specs.QuickCensus(trials: 2) });
        var events = await Watcher.CollectAsync(jobs, job.JobId);
        await app.StopAsync();

        Assert.Equal("https", address.Scheme);
        Assert.True(Watcher.FinalState(events) == Burst.V1.JobState.Succeeded,
            string.Join("\n", Directory.GetFiles(Path.Combine(dataDir, "logs"), "*", SearchOption.AllDirectories).Select(File.ReadAllText)));
        Assert.Contains(events, e => e.Worker?.State == Burst.V1.WorkerState.Attached);
    }
}
