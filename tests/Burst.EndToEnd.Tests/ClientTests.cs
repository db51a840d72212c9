using System.Text.Json;
using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;

namespace Burst.EndToEnd.Tests;

/// <summary>Clients that know nothing of C#: buf curl through server reflection, and the Node example client.</summary>
public sealed class ClientTests
{
    private static readonly string Buf = Path.Combine(Repo.Root, "node_modules", ".bin", "buf");

    [Fact]
    public async Task Buf_curl_submits_and_reads_a_job_through_server_reflection()
    {
        await using var server = await BurstServer.StartAsync();

        var submit = await BufCurl(server, "SubmitJob", """{"request_id":"buf-1","spec":{"display_name":"from buf","search":{"trials":2}}}""");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        var jobId = JsonDocument.Parse(submit.StdOut).RootElement.GetProperty("jobId").GetString();
        Assert.StartsWith("j", jobId);

        var get = await BufCurl(server, "GetJob", $$"""{"job_id":"{{jobId}}"}""");
        Assert.True(get.ExitCode == 0, get.ToString());
        var job = JsonDocument.Parse(get.StdOut).RootElement;
        Assert.Equal("from buf", job.GetProperty("spec").GetProperty("displayName").GetString());

        // buf's exit code is the gRPC status code times 8: NOT_FOUND (5) gives 40.
        var missing = await BufCurl(server, "GetJob", """{"job_id":"j-does-not-exist"}""");
        Assert.Equal(40, missing.ExitCode);
    }

    [Fact]
    public async Task Buf_curl_reports_a_bad_spec_as_invalid_argument()
    {
        await using var server = await BurstServer.StartAsync();

        var bad = await BufCurl(server, "SubmitJob", """{"spec":{"search":{"folds":1}}}""");

        Assert.Equal(3 * 8, bad.ExitCode);
        Assert.Contains("folds", bad.StdErr);
    }

    [Fact]
    public async Task The_node_client_built_from_the_protos_submits_and_watches_a_job_to_success()
    {
        await using var server = await BurstServer.StartAsync();
        var spec = Path.Combine(server.DataDir, "spec.json");
        await File.WriteAllTextAsync(spec, """{"display_name":"from node","search":{"trials":2,"folds":2}}""");

        var run = await ProcessRunner.RunAsync("node",
            [Path.Combine(Repo.Root, "clients", "node", "burst-client.js"), "--server", $"127.0.0.1:{server.Port}", "--spec", spec],
            TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == 0, run + "\n" + server.Log);
        Assert.Contains("final state JOB_STATE_SUCCEEDED", run.StdOut);
        Assert.Contains("result test_accuracy", run.StdOut);
    }

    private static Task<ProcessResult> BufCurl(BurstServer server, string method, string body) =>
        ProcessRunner.RunAsync(Buf,
            ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--data", body, $"{server.Address}/burst.v1.JobService/{method}"],
            TimeSpan.FromMinutes(1));
}
