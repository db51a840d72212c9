using Burst.Cli.Tests.Support;
using Burst.V1;

namespace Burst.Cli.Tests;

public sealed class CliTests
{
    [Fact]
    public async Task Help_lists_the_verbs_and_the_exit_codes()
    {
        var result = await BurstCli.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "server", "submit", "watch", "get", "list", "cancel", "evaluate", "demo" })
        {
            Assert.Contains(result.OutLines, l => l.TrimStart().StartsWith(verb, StringComparison.Ordinal));
        }

        Assert.Contains("Exit codes:", result.Out);
        Assert.Contains("3    the control plane cannot be reached", result.Out);
        Assert.Contains("130  interrupted", result.Out);
    }

    [Fact]
    public async Task An_unknown_verb_is_a_usage_error()
    {
        var result = await BurstCli.RunAsync("frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("frobnicate", result.Error);
    }

    [Fact]
    public async Task No_verb_at_all_is_a_usage_error_that_shows_the_help()
    {
        var result = await BurstCli.RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Commands:", result.Out);
    }

    [Fact]
    public async Task A_missing_job_argument_is_a_usage_error_pointing_at_the_verb_help()
    {
        var result = await BurstCli.RunAsync("watch");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("See `burst watch --help`.", result.Error);
    }

    [Theory]
    [InlineData("ftp://host:1")]
    [InlineData("http://")]
    public async Task A_server_that_is_not_an_http_url_is_a_usage_error(string url)
    {
        var result = await BurstCli.RunAsync("get", "j1", "--server", url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--server: '{url}' is not a control plane URL", result.Error);
    }

    [Fact]
    public async Task A_server_given_as_host_and_port_is_reached_over_plain_http2()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), [Events.State(1, JobState.Queued)]);
        var hostAndPort = new Uri(server.Url).Authority;

        var result = await BurstCli.RunAsync("get", "j1", "--server", hostAndPort);

        Assert.Equal(0, result.ExitCode);
    }
}
