using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Burst.ControlPlane.Store;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Providers;

/// <summary>
/// Workers as child processes of this machine: one `burst-agent agent` per worker. The agent learns
/// its job from environment variables (so its token never shows in `ps`), and writes its output
/// straight to &lt;DataDir&gt;/logs/&lt;job&gt;/&lt;worker&gt;.log, so it outlives a control plane that is
/// killed (no pipe to break) and a restarted control plane can adopt it.
/// </summary>
internal sealed class LocalWorkerProvider(IOptions<ControlPlaneOptions> options, WorkerExits exits, ILogger<LocalWorkerProvider> logger) : IWorkerProvider, IDisposable
{
    /// <summary>libgomp's wait policy: PASSIVE for a job's local workers when there are several (see StartAsync).</summary>
    public const string OpenMpWaitPolicy = "OMP_WAIT_POLICY";

    public const string ProviderName = "local";

    /// <summary>How long a worker has between SIGTERM and SIGKILL.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan AdoptedPollInterval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<(string JobId, string WorkerId), Process> _children = new();
    private readonly CancellationTokenSource _disposed = new();
    private int _disposeCount;

    public string Name => ProviderName;

    public Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        var command = AgentCommand.Resolve(options.Value.AgentPath);
        var logPath = LogPath(launch.JobId, launch.WorkerId);
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);

        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(command.FileName) { UseShellExecute = false };
            foreach (var argument in command.Arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            // sh redirects and then execs the agent, so the PID we get is the agent's own.
            start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1");
            start.ArgumentList.Add("burst-agent");
            start.ArgumentList.Add(logPath);
            start.ArgumentList.Add(command.FileName);
            foreach (var argument in command.Arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add("agent");
        start.Environment["BURST_CONTROL_PLANE"] = launch.ControlPlaneUrl;
        start.Environment["BURST_JOB_ID"] = launch.JobId;
        start.Environment["BURST_WORKER_ID"] = launch.WorkerId;
        start.Environment["BURST_AGENT_TOKEN"] = launch.AgentToken;
        start.Environment["TRACEPARENT"] = launch.TraceParent;
        start.Environment["BURST_EXIT_ACTION"] = "none";

        // The job's local workers share this machine: each gets its part of the cores for its trials.
        var workers = launch.Spec?.Search?.Workers ?? 1;
        start.Environment["BURST_AGENT_CORES"] = CoreShare(Environment.ProcessorCount, workers).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (workers > 1 && !start.Environment.ContainsKey(OpenMpWaitPolicy))
        {
            // XGBoost's OpenMP threads spin between parallel regions by default, which only pays while
            // they have the cores to themselves. Workers sharing the cores (search.threads above their
            // share) then spin on each other's: a skewed 2-worker search of 2 threads each on 2 cores
            // took 71 s with spinning threads and 22 s with sleeping ones.
            start.Environment[OpenMpWaitPolicy] = "PASSIVE";
        }
        if (options.Value.AgentCaFile is { Length: > 0 } caFile)
        {
            start.Environment[Burst.Cloud.Tls.PrivateCaTrust.CaFileVariable] = caFile;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command.FileName}.");
        var key = (launch.JobId, launch.WorkerId);
        _children[key] = process;
        var processStart = Posix.StartTime(process.Id);
        logger.WorkerStarted(launch.JobId, launch.WorkerId, process.Id, logPath);
        _ = WatchChildAsync(key, process);
        return Task.FromResult(new WorkerInstance(process.Id.ToString(CultureInfo.InvariantCulture), process.Id, processStart));
    }

    public async Task StopAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        if (_children.TryGetValue((worker.JobId, worker.WorkerId), out var child))
        {
            await StopChildAsync(worker, child, cancellationToken);
        }
        else if (worker.Pid is { } pid && Posix.IsRunning(pid, worker.ProcessStart))
        {
            await StopAdoptedAsync(worker, pid, cancellationToken);
        }
    }

    public Task<WorkerLiveness> AdoptAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        if (worker.Pid is not { } pid)
        {
            return Task.FromResult(WorkerLiveness.Unknown);
        }

        if (!Posix.IsRunning(pid, worker.ProcessStart))
        {
            return Task.FromResult(WorkerLiveness.Gone);
        }

        logger.WorkerAdopted(worker.JobId, worker.WorkerId, pid);
        _ = WatchAdoptedAsync(worker, pid);
        return Task.FromResult(WorkerLiveness.Alive);
    }

    public void Dispose()
    {
        // Registered under two service types, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposeCount, 1) == 0)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }

    internal string LogPath(string jobId, string workerId) => Path.Combine(options.Value.DataDir, "logs", jobId, workerId + ".log");

    private async Task StopChildAsync(WorkerRecord worker, Process child, CancellationToken cancellationToken)
    {
        try
        {
            if (child.HasExited)
            {
                return;
            }

            if (!Posix.Signal(child.Id, Posix.SIGTERM))
            {
                child.Kill(entireProcessTree: true);
            }

            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(StopGrace);
            try
            {
                await child.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                logger.WorkerKilled(worker.JobId, worker.WorkerId, child.Id);
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(cancellationToken);
            }
        }
        catch (InvalidOperationException)
        {
            // The process is gone and disposed already.
        }
    }

    private async Task StopAdoptedAsync(WorkerRecord worker, int pid, CancellationToken cancellationToken)
    {
        Posix.Signal(pid, Posix.SIGTERM);
        // A real process gets a real grace period: a fake clock in a test must neither stretch nor skip it.
        var deadline = Stopwatch.StartNew();
        while (Posix.IsRunning(pid, worker.ProcessStart))
        {
            if (deadline.Elapsed > StopGrace)
            {
                logger.WorkerKilled(worker.JobId, worker.WorkerId, pid);
                Posix.Signal(pid, Posix.SIGKILL);
                deadline.Restart();
                while (Posix.IsRunning(pid, worker.ProcessStart) && deadline.Elapsed < StopGrace)
                {
                    await Task.Delay(50, cancellationToken);
                }

                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task WatchChildAsync((string JobId, string WorkerId) key, Process process)
    {
        try
        {
            await process.WaitForExitAsync(_disposed.Token);
            var description = $"the agent process {process.Id} exited with code {process.ExitCode} (its log: {LogPath(key.JobId, key.WorkerId)})";
            logger.WorkerExited(key.JobId, key.WorkerId, process.Id, process.ExitCode);
            exits.Report(new WorkerExit(key.JobId, key.WorkerId, description));
        }
        catch (OperationCanceledException)
        {
            // The control plane is stopping; an adopting successor watches the process from here on.
        }
        finally
        {
            _children.TryRemove(new KeyValuePair<(string, string), Process>(key, process));
            process.Dispose();
        }
    }

    private async Task WatchAdoptedAsync(WorkerRecord worker, int pid)
    {
        // Not our child: no exit notification and no exit code, so poll.
        try
        {
            while (Posix.IsRunning(pid, worker.ProcessStart))
            {
                await Task.Delay(AdoptedPollInterval, _disposed.Token);
            }

            exits.Report(new WorkerExit(worker.JobId, worker.WorkerId, $"the adopted agent process {pid} exited"));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The cores each of a job's <paramref name="workers"/> local agents may use: an equal part, at least one.</summary>
    internal static int CoreShare(int cores, int workers) => Math.Max(1, cores / Math.Max(1, workers));
}
