using Burst.Cli.Tests.Support;
using Burst.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Burst.Cli.Tests.Commands;

public sealed class SubmitCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Submit_sends_the_spec_built_from_the_file_and_flags_and_prints_the_job_id()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var specFile = _files.Write("spec.json", """{ "displayName": "nightly", "search": { "folds": 4 } }""");

        var result = await BurstCli.RunAsync(
            "submit", "--server", server.Url, "--spec", specFile, "--trials", "8", "--label", "team=ml",
            "--max-runtime", "90s", "--request-id", "req-1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["job-1"], result.OutLines);
        var request = Assert.Single(server.Service.Submitted);
        Assert.Equal("req-1", request.RequestId);
        var expected = new JobSpec
        {
            DisplayName = "nightly",
            Labels = { ["team"] = "ml" },
            Search = new Search { Folds = 4, Trials = 8 },
            Limits = new Limits { MaxRuntime = Duration.FromTimeSpan(TimeSpan.FromSeconds(90)) },
        };
        Assert.Equal(expected, request.Spec);
    }

    [Fact]
    public async Task Submit_with_no_flags_sends_an_empty_spec()
    {
        await using var server = await FakeControlPlane.StartAsync();

        var result = await BurstCli.RunAsync("submit", "--server", server.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new JobSpec(), Assert.Single(server.Service.Submitted).Spec);
    }

    [Fact]
    public async Task Submit_talks_to_BURST_SERVER_when_no_server_flag_is_given()
    {
        await using var server = await FakeControlPlane.StartAsync();

        var result = await BurstCli.RunAsync(
            ["submit", "--name", "from-env"],
            new CliOptions { Environment = new Dictionary<string, string> { ["BURST_SERVER"] = server.Url } });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("from-env", Assert.Single(server.Service.Submitted).Spec.DisplayName);
    }

    [Fact]
    public async Task Submit_with_json_prints_the_job_as_proto3_json()
    {
        await using var server = await FakeControlPlane.StartAsync();

        var result = await BurstCli.RunAsync("submit", "--server", server.Url, "--json", "--name", "as-json");

        Assert.Equal(0, result.ExitCode);
        var job = JsonParser.Default.Parse<Job>(result.Out);
        Assert.Equal("job-1", job.JobId);
        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal("as-json", job.Spec.DisplayName);
    }

    [Fact]
    public async Task A_bad_flag_value_exits_2_naming_it_and_sends_nothing()
    {
        await using var server = await FakeControlPlane.StartAsync();

        var result = await BurstCli.RunAsync("submit", "--server", server.Url, "--format", "parquet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--format: 'parquet' is not one of census, csv", result.Error);
        Assert.Empty(server.Service.Submitted);
    }

    [Fact]
    public async Task A_number_flag_that_is_not_a_number_is_a_usage_error()
    {
        var result = await BurstCli.RunAsync("submit", "--trials", "many");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--trials", result.Error);
        Assert.Contains("'many'", result.Error);
    }

    [Fact]
    public async Task A_spec_the_server_refuses_prints_the_status_and_each_field_violation_and_exits_1()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.SubmitFailure = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "the job spec is invalid",
            Details =
            {
                Any.Pack(new BadRequest
                {
                    FieldViolations =
                    {
                        new BadRequest.Types.FieldViolation { Field = "spec.search.folds", Description = "must be at least 2" },
                        new BadRequest.Types.FieldViolation { Field = "spec.search.trials", Description = "must be positive" },
                    },
                }),
            },
        }.ToRpcException();

        var result = await BurstCli.RunAsync("submit", "--server", server.Url, "--folds", "1", "--trials", "-3");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("InvalidArgument: the job spec is invalid", result.Error);
        Assert.Contains("spec.search.folds: must be at least 2", result.Error);
        Assert.Contains("spec.search.trials: must be positive", result.Error);
    }

    [Fact]
    public async Task Submit_with_watch_follows_the_job_to_its_result_and_exits_0()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.EventsForSubmitted = _ => Events.Succeeded(trials: 2, accuracy: 0.8712);

        var result = await BurstCli.RunAsync("submit", "--server", server.Url, "--watch");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Submitted job job-1", result.OutLines[0]);
        Assert.Contains(result.OutLines, l => l.Contains("trial 1: accuracy 0.8610", StringComparison.Ordinal));
        Assert.Equal("Test accuracy: 0.8712", result.OutLines[^1]);
        Assert.Equal(0, Assert.Single(server.Service.Watches).AfterSequence);
    }

    [Fact]
    public async Task Submit_with_watch_and_json_prints_only_events()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.EventsForSubmitted = _ => Events.Succeeded(trials: 1);

        var result = await BurstCli.RunAsync("submit", "--server", server.Url, "--watch", "--json");

        Assert.Equal(0, result.ExitCode);
        var sequences = result.OutLines.Select(l => JsonParser.Default.Parse<JobEvent>(l).Sequence);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], sequences);
    }

    [Fact]
    public async Task Submit_to_a_server_that_is_not_there_exits_3_with_a_clear_message()
    {
        var url = FakeControlPlane.UnusedUrl();

        var result = await BurstCli.RunAsync("submit", "--server", url);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"cannot reach the control plane at {url}", result.Error);
        Assert.Contains("(is `burst server` running?)", result.Error);
    }
}
