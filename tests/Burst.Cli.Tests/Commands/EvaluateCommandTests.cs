using Burst.Cli.Tests.Support;

namespace Burst.Cli.Tests.Commands;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Evaluate_runs_burst_agent_evaluate_and_passes_its_output_and_exit_code_through()
    {
        var agent = FakeAgent("""
            echo "args: $*"
            echo "accuracy 0.8712"
            echo "warning from the agent" >&2
            exit 5
            """);

        var result = await BurstCli.RunAsync(
            ["evaluate", "--model", "file:///m/j1", "--data", "adult.test", "--format", "csv", "--json"],
            new CliOptions { Environment = new Dictionary<string, string> { ["BURST_AGENT_PATH"] = agent } });

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(
            ["args: evaluate --model file:///m/j1 --data adult.test --format csv --json", "accuracy 0.8712"],
            result.OutLines);
        Assert.Contains("warning from the agent", result.Error);
    }

    [Fact]
    public async Task Evaluate_passes_only_the_flags_that_were_given()
    {
        var agent = FakeAgent("""echo "args: $*" """);

        var result = await BurstCli.RunAsync(
            ["evaluate", "--model", "m", "--data", "d"],
            new CliOptions { Environment = new Dictionary<string, string> { ["BURST_AGENT_PATH"] = agent } });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["args: evaluate --model m --data d"], result.OutLines);
    }

    [Fact]
    public async Task Evaluate_without_a_model_is_a_usage_error()
    {
        var result = await BurstCli.RunAsync("evaluate", "--data", "d");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--model", result.Error);
    }

    [Fact]
    public async Task Evaluate_with_an_agent_that_cannot_run_says_which_file()
    {
        var missing = _files.PathOf("no-such-agent");

        var result = await BurstCli.RunAsync(
            ["evaluate", "--model", "m", "--data", "d"],
            new CliOptions { Environment = new Dictionary<string, string> { ["BURST_AGENT_PATH"] = missing } });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot run {missing}", result.Error);
    }

    private string FakeAgent(string body)
    {
        var path = _files.Write("burst-agent", "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
