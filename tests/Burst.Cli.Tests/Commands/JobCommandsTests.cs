using Burst.Cli.Tests.Support;
using Burst.V1;
using Google.Protobuf;

namespace Burst.Cli.Tests.Commands;

/// <summary>get, list and cancel.</summary>
public sealed class JobCommandsTests
{
    [Fact]
    public async Task Get_prints_the_state_and_the_result_of_a_job()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1", name: "adult"), Events.Succeeded(trials: 2, accuracy: 0.8712, modelUri: "file:///m/j1"));

        var result = await BurstCli.RunAsync("get", "j1", "--server", server.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.OutLines, l => l.StartsWith("Job:", StringComparison.Ordinal) && l.EndsWith(" j1", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.StartsWith("Name:", StringComparison.Ordinal) && l.EndsWith(" adult", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.StartsWith("State:", StringComparison.Ordinal) && l.EndsWith(" SUCCEEDED", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.StartsWith("Test accuracy:", StringComparison.Ordinal) && l.EndsWith(" 0.8712", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.StartsWith("Model:", StringComparison.Ordinal) && l.EndsWith(" /m/j1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_with_json_prints_the_job_as_the_server_sent_it()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var stored = server.Service.AddJob(Events.Job("j1", name: "adult"), Events.Succeeded(trials: 2));

        var result = await BurstCli.RunAsync("get", "j1", "--server", server.Url, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(stored, JsonParser.Default.Parse<Job>(result.Out));
    }

    [Fact]
    public async Task Get_of_an_unknown_job_exits_4()
    {
        await using var server = await FakeControlPlane.StartAsync();

        var result = await BurstCli.RunAsync("get", "nope", "--server", server.Url);

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("job nope not found", result.Error);
    }

    [Fact]
    public async Task Get_of_a_server_that_is_not_there_exits_3_with_a_clear_message()
    {
        var url = FakeControlPlane.UnusedUrl();

        var result = await BurstCli.RunAsync("get", "j1", "--server", url);

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith($"burst: cannot reach the control plane at {url}: ", result.Error);
        Assert.Contains("(is `burst server` running?)", result.Error);
    }

    [Fact]
    public async Task List_prints_a_table_row_per_job()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1", name: "first"), Events.Succeeded(trials: 2));
        server.Service.AddJob(Events.Job("j2", name: "second"), [Events.State(1, JobState.Queued)]);

        var result = await BurstCli.RunAsync("list", "--server", server.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.OutLines, l => l.Contains("ID", StringComparison.Ordinal) && l.Contains("PROGRESS", StringComparison.Ordinal) && l.Contains("CREATED", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.Contains("j1", StringComparison.Ordinal) && l.Contains("first", StringComparison.Ordinal) && l.Contains("SUCCEEDED", StringComparison.Ordinal) && l.Contains("2/2", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.Contains("j2", StringComparison.Ordinal) && l.Contains("second", StringComparison.Ordinal) && l.Contains("QUEUED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_all_follows_the_page_tokens_to_the_end()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.ListPageSize = 2;
        foreach (var id in new[] { "j1", "j2", "j3", "j4", "j5" })
        {
            server.Service.AddJob(Events.Job(id), [Events.State(1, JobState.Queued)]);
        }

        var result = await BurstCli.RunAsync("list", "--server", server.Url, "--all", "--json", "--page-size", "2");

        Assert.Equal(0, result.ExitCode);
        var listed = JsonParser.Default.Parse<ListJobsResponse>(result.Out);
        Assert.Equal(["j1", "j2", "j3", "j4", "j5"], listed.Jobs.Select(j => j.JobId));
        Assert.Equal(["", "2", "4"], server.Service.Lists.Select(r => r.PageToken));
        Assert.All(server.Service.Lists, r => Assert.Equal(2, r.PageSize));
    }

    [Fact]
    public async Task List_without_all_asks_for_one_page_and_says_there_is_more()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.ListPageSize = 2;
        foreach (var id in new[] { "j1", "j2", "j3" })
        {
            server.Service.AddJob(Events.Job(id), [Events.State(1, JobState.Queued)]);
        }

        var result = await BurstCli.RunAsync("list", "--server", server.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Single(server.Service.Lists);
        Assert.DoesNotContain("j3", result.Out);
        Assert.Contains("use --all", result.Error);
    }

    [Fact]
    public async Task List_with_a_state_sends_the_filter()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), Events.Succeeded(trials: 1));
        server.Service.AddJob(Events.Job("j2"), [Events.State(1, JobState.Queued), Events.State(2, JobState.Running)]);

        var result = await BurstCli.RunAsync("list", "--server", server.Url, "--state", "running", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(JobState.Running, Assert.Single(server.Service.Lists).State);
        Assert.Equal(["j2"], JsonParser.Default.Parse<ListJobsResponse>(result.Out).Jobs.Select(j => j.JobId));
    }

    [Fact]
    public async Task List_with_an_unknown_state_is_a_usage_error_listing_the_states()
    {
        var result = await BurstCli.RunAsync("list", "--state", "sleeping");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--state: 'sleeping' is not one of queued, provisioning, running, succeeded, failed, cancelling, cancelled", result.Error);
    }

    [Fact]
    public async Task Cancel_sends_the_reason_and_prints_the_new_state()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), [Events.State(1, JobState.Queued), Events.State(2, JobState.Running)]);

        var result = await BurstCli.RunAsync("cancel", "j1", "--server", server.Url, "--reason", "wrong data");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Job j1 is CANCELLING"], result.OutLines);
        var request = Assert.Single(server.Service.Cancels);
        Assert.Equal("j1", request.JobId);
        Assert.Equal("wrong data", request.Reason);
    }

    [Fact]
    public async Task Cancel_of_an_unknown_job_exits_4()
    {
        await using var server = await FakeControlPlane.StartAsync();

        var result = await BurstCli.RunAsync("cancel", "nope", "--server", server.Url);

        Assert.Equal(4, result.ExitCode);
    }
}
