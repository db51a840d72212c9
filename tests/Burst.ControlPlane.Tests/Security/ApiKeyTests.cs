using Burst.ControlPlane.Security;
using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Tests.Security;

public sealed class ApiKeyTests : IAsyncLifetime
{
    private readonly string _reader = ApiKeys.Create();
    private readonly string _submitter = ApiKeys.Create();
    private readonly string _admin = ApiKeys.Create();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("burst-keys-");
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync()
    {
        var file = Path.Combine(_folder.FullName, "keys");
        await File.WriteAllLinesAsync(file,
        [
            "# name role sha256",
            ApiKeys.FileLine("dashboard", ApiRole.Read, _reader),
            "",
            ApiKeys.FileLine("ci", ApiRole.Submit, _submitter) + "   # the build",
            ApiKeys.FileLine("ops", ApiRole.Admin, _admin),
        ]);
        _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null }, configure: o => o.ApiKeysFile = file);
    }

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private static Metadata Bearer(string key) => new() { { "authorization", "Bearer " + key } };

    [Fact]
    public async Task A_call_without_a_key_is_unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.ListJobsAsync(new ListJobsRequest()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("authorization: Bearer", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_is_unauthenticated_even_when_it_differs_from_a_real_one_in_the_last_character()
    {
        var almost = _admin[..^1] + (_admin[^1] == 'A' ? 'B' : 'A');

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.ListJobsAsync(new ListJobsRequest(), Bearer(almost)));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.DoesNotContain(almost, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_key_may_list_and_watch_but_not_submit()
    {
        var job = await _cp.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = TestControlPlane.SmallSpec() }, Bearer(_submitter));

        var listed = await _cp.Jobs.ListJobsAsync(new ListJobsRequest(), Bearer(_reader));
        var got = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId }, Bearer(_reader));
        using var watch = _cp.Jobs.WatchJob(new WatchJobRequest { JobId = job.JobId }, Bearer(_reader));
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.SubmitJobAsync(new SubmitJobRequest(), Bearer(_reader)));
        var cancelDenied = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId }, Bearer(_reader)));

        Assert.Single(listed.Jobs);
        Assert.Equal(job.JobId, got.JobId);
        Assert.Equal(1, watch.ResponseStream.Current.Sequence);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("dashboard has the role read", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, cancelDenied.StatusCode);
    }

    [Fact]
    public async Task A_submit_key_and_an_admin_key_may_submit_and_cancel()
    {
        var job = await _cp.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = TestControlPlane.SmallSpec() }, Bearer(_submitter));
        var cancelled = await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId }, Bearer(_admin));
        var second = await _cp.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = TestControlPlane.SmallSpec() }, Bearer(_admin));

        Assert.NotEqual(JobState.Unspecified, cancelled.State);
        Assert.NotEqual(job.JobId, second.JobId);
    }

    [Fact]
    public async Task Health_reflection_and_the_agent_service_stay_open_without_a_key()
    {
        var health = await new Health.HealthClient(_cp.Channel).CheckAsync(new HealthCheckRequest());
        using var reflection = new ServerReflection.ServerReflectionClient(_cp.Channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        await reflection.RequestStream.CompleteAsync();

        // The agent service answers on its own terms: a bad job token, not a missing API key.
        using var attach = _cp.Agents.Attach();
        await attach.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { JobId = "j-x", WorkerId = "w-1", Token = "nope" } });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await attach.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains(reflection.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "burst.v1.JobService");
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("agent token", error.Status.Detail, StringComparison.Ordinal);
    }
}

public sealed class ApiKeysFileTests
{
    [Fact]
    public void A_keys_file_line_holds_the_sha256_of_the_key_in_hex()
    {
        var key = ApiKeys.Create();

        var entries = ApiKeysFile.Parse("keys", ["# comment", "", ApiKeys.FileLine("ci", ApiRole.Submit, key)]);

        var entry = Assert.Single(entries);
        Assert.Equal(("ci", ApiRole.Submit), (entry.Name, entry.Role));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), entry.Hash);
        Assert.StartsWith(ApiKeys.Prefix, key, StringComparison.Ordinal);
        Assert.NotEqual(key, ApiKeys.Create());
    }

    [Theory]
    [InlineData("ci submit", "found 2 field(s)")]
    [InlineData("ci owner 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "the role must be one of read, submit, admin")]
    [InlineData("ci read 0011", "64 hex digits")]
    [InlineData("9ci read 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "the name must start with a letter")]
    public void A_bad_line_is_an_error_naming_the_file_and_the_line(string line, string problem)
    {
        var error = Assert.Throws<ApiKeysFileException>(() => ApiKeysFile.Parse("/etc/burst/keys", ["# keys", "", line]));

        Assert.StartsWith("/etc/burst/keys: line 3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_keys_file_stops_the_start_naming_the_file_and_line()
    {
        var folder = Directory.CreateTempSubdirectory("burst-keys-bad-");
        var file = Path.Combine(folder.FullName, "keys");
        await File.WriteAllLinesAsync(file, ["ops admin not-a-hash"]);
        var options = new ControlPlaneOptions { Listen = "http://127.0.0.1:0", DataDir = folder.FullName, ApiKeysFile = file };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ControlPlaneApp.Build(options);
            await app.StartAsync();
        });
        folder.Delete(recursive: true);

        Assert.Contains($"{file}: line 1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("--api-keys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:50051", false, true)]
    [InlineData("http://10.1.2.3:50051", false, true)]
    [InlineData("http://0.0.0.0:50051", true, false)]
    [InlineData("http://127.0.0.1:50051", false, false)]
    [InlineData("http://localhost:50051", false, false)]
    [InlineData("http://[::1]:50051", false, false)]
    public void A_reachable_listen_address_without_keys_is_refused_unless_insecure_no_auth_is_given(string listen, bool insecure, bool refused)
    {
        var options = new ControlPlaneOptions { Listen = listen, InsecureNoAuth = insecure };

        var result = new SecurityOptionsValidator().Validate(null, options);

        Assert.Equal(refused, result.Failed);
        if (refused)
        {
            Assert.Contains("--api-keys FILE", result.FailureMessage, StringComparison.Ordinal);
            Assert.Contains("--insecure-no-auth", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_access_mode_says_single_user_on_loopback_without_keys()
    {
        var single = new ClientAccess(Options.Create(new ControlPlaneOptions { Listen = "http://127.0.0.1:50051" }));
        var keyed = new ClientAccess(Options.Create(new ControlPlaneOptions { Listen = "http://0.0.0.0:50051", ApiKeysFile = "/k" }));
        var open = new ClientAccess(Options.Create(new ControlPlaneOptions { Listen = "http://0.0.0.0:50051", InsecureNoAuth = true }));

        Assert.StartsWith("single-user mode", single.Describe(), StringComparison.Ordinal);
        Assert.StartsWith("API keys from /k", keyed.Describe(), StringComparison.Ordinal);
        Assert.StartsWith("NO AUTHENTICATION", open.Describe(), StringComparison.Ordinal);
    }
}
