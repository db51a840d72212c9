using System.Diagnostics;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Tests.Providers;

/// <summary>The local provider with a shell script standing in for burst-agent.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalWorkerProviderTests : IDisposable
{
    private const string Token = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3Qtc2hvdy1pbi1wcw";
    private readonly string _dir = Directory.CreateTempSubdirectory("burst-local-provider-").FullName;
    private readonly WorkerExits _exits = new();
    private readonly LocalWorkerProvider _provider;

    public LocalWorkerProviderTests()
    {
        var options = Options.Create(new ControlPlaneOptions { DataDir = _dir, AgentPath = Path.Combine(_dir, "fake-agent") });
        _provider = new LocalWorkerProvider(options, _exits, NullLogger<LocalWorkerProvider>.Instance);
    }

    public void Dispose()
    {
        _provider.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(2, 1, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 1)]
    [InlineData(16, 3, 5)]
    [InlineData(16, 0, 16)]
    public void A_jobs_local_workers_share_the_machines_cores(int cores, int workers, int share) =>
        Assert.Equal(share, LocalWorkerProvider.CoreShare(cores, workers));

    [Fact]
    public async Task A_worker_gets_its_settings_in_the_environment_and_its_output_goes_to_its_log()
    {
        WriteAgent("""
            env | grep -E '^(BURST_|TRACEPARENT)' | sort > "$(dirname "$0")/env.txt"
            echo "args: $*"
            echo "to stderr" >&2
            exec sleep 30
            """);

        var instance = await _provider.StartAsync(Launch("w-1"), CancellationToken.None);
        var env = await ReadWhenWrittenAsync(Path.Combine(_dir, "env.txt"));
        var cmdline = await File.ReadAllTextAsync($"/proc/{instance.Pid}/cmdline");
        await _provider.StopAsync(Record("w-1", instance), CancellationToken.None);
        var log = await File.ReadAllTextAsync(Path.Combine(_dir, "logs", "j-test", "w-1.log"));

        Assert.Contains("BURST_CONTROL_PLANE=http://127.0.0.1:50051", env, StringComparison.Ordinal);
        Assert.Contains("BURST_JOB_ID=j-test", env, StringComparison.Ordinal);
        Assert.Contains($"BURST_AGENT_CORES={LocalWorkerProvider.CoreShare(Environment.ProcessorCount, 1)}", env, StringComparison.Ordinal);
        Assert.Contains("BURST_WORKER_ID=w-1", env, StringComparison.Ordinal);
        Assert.Contains($"BURST_AGENT_TOKEN={Token}", env, StringComparison.Ordinal);
        Assert.Contains("BURST_EXIT_ACTION=none", env, StringComparison.Ordinal);
        Assert.Contains("TRACEPARENT=00-", env, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, cmdline, StringComparison.Ordinal);
        Assert.Contains("args: agent", log, StringComparison.Ordinal);
        Assert.Contains("to stderr", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    public async Task Several_workers_of_a_job_get_sleeping_openmp_threads_and_one_keeps_the_default(int workers, bool passive)
    {
        WriteAgent("""
            env | grep -E '^(BURST_AGENT_CORES|OMP_)' | sort > "$(dirname "$0")/env.txt"
            exec sleep 30
            """);
        var launch = Launch("w-1") with { Spec = new JobSpec { Search = new Search { Workers = workers } } };

        var instance = await _provider.StartAsync(launch, CancellationToken.None);
        var env = await ReadWhenWrittenAsync(Path.Combine(_dir, "env.txt"));
        await _provider.StopAsync(Record("w-1", instance), CancellationToken.None);

        Assert.Contains($"BURST_AGENT_CORES={LocalWorkerProvider.CoreShare(Environment.ProcessorCount, workers)}", env, StringComparison.Ordinal);
        Assert.Equal(passive, env.Contains("OMP_WAIT_POLICY=PASSIVE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_recorded_pid_is_the_agent_process_and_stopping_ends_it_and_reports_the_exit()
    {
        WriteAgent("exec sleep 30");

        var instance = await _provider.StartAsync(Launch("w-1"), CancellationToken.None);
        var running = Posix.IsRunning(instance.Pid!.Value, instance.ProcessStart);
        var command = await CommandOfAsync(instance.Pid.Value, until: "sleep");
        await _provider.StopAsync(Record("w-1", instance), CancellationToken.None);
        var exit = await _exits.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(running);
        Assert.Equal(instance.Pid.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), instance.Name);
        Assert.Equal("sleep", command);
        Assert.False(Posix.IsRunning(instance.Pid.Value, instance.ProcessStart));
        Assert.Equal(("j-test", "w-1"), (exit.JobId, exit.WorkerId));
        Assert.Contains("exited", exit.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_ignores_sigterm_is_killed_after_the_grace()
    {
        WriteAgent("""
            trap '' TERM
            exec sleep 30
            """);

        var instance = await _provider.StartAsync(Launch("w-1"), CancellationToken.None);
        await _provider.StopAsync(Record("w-1", instance), CancellationToken.None);

        Assert.False(Posix.IsRunning(instance.Pid!.Value, instance.ProcessStart));
    }

    [Fact]
    public async Task A_live_worker_of_a_previous_run_is_adopted_and_a_gone_one_is_not()
    {
        WriteAgent("exec sleep 30");
        using var orphan = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        var alive = Record("w-1", new WorkerInstance("orphan", orphan.Id, Posix.StartTime(orphan.Id)));
        var reused = Record("w-2", new WorkerInstance("reused pid", orphan.Id, Posix.StartTime(orphan.Id) + 1));
        var unknown = Record("w-3", new WorkerInstance(""));

        var adopted = await _provider.AdoptAsync(alive, CancellationToken.None);
        var notTheSameProcess = await _provider.AdoptAsync(reused, CancellationToken.None);
        var cannotTell = await _provider.AdoptAsync(unknown, CancellationToken.None);
        await _provider.StopAsync(alive, CancellationToken.None);
        var exit = await _exits.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(WorkerLiveness.Alive, adopted);
        Assert.Equal(WorkerLiveness.Gone, notTheSameProcess);
        Assert.Equal(WorkerLiveness.Unknown, cannotTell);
        Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal("w-1", exit.WorkerId);
    }

    [Fact]
    public async Task A_missing_agent_executable_fails_the_start_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => _provider.StartAsync(Launch("w-1"), CancellationToken.None));

        Assert.Contains("burst-agent was not found", error.Message, StringComparison.Ordinal);
    }

    private void WriteAgent(string body)
    {
        var path = Path.Combine(_dir, "fake-agent");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static WorkerLaunch Launch(string workerId) =>
        new("j-test", workerId, "http://127.0.0.1:50051", Token, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", new JobSpec());

    private static WorkerRecord Record(string workerId, WorkerInstance instance) =>
        new("j-test", workerId, WorkerState.Attached) { Instance = instance.Name, Pid = instance.Pid, ProcessStart = instance.ProcessStart };

    /// <summary>The process's command name, once it is <paramref name="until"/> (the script execs it) or the patience runs out.</summary>
    private static async Task<string> CommandOfAsync(int pid, string until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string command;
        do
        {
            command = (await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim();
            if (command == until)
            {
                break;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);

        return command;
    }

    private static async Task<string> ReadWhenWrittenAsync(string path)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            await Task.Delay(20, timeout.Token);
        }

        await Task.Delay(50, timeout.Token);
        return await File.ReadAllTextAsync(path, timeout.Token);
    }
}
