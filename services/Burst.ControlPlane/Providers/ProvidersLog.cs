namespace Burst.ControlPlane.Providers;

internal static partial class ProvidersLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: started worker {WorkerId} as process {Pid}, log {LogPath}")]
    public static partial void WorkerStarted(this ILogger logger, string jobId, string workerId, int pid, string logPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: adopted worker {WorkerId}, process {Pid}, from a previous control plane")]
    public static partial void WorkerAdopted(this ILogger logger, string jobId, string workerId, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: worker {WorkerId} (process {Pid}) exited with code {ExitCode}")]
    public static partial void WorkerExited(this ILogger logger, string jobId, string workerId, int pid, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: worker {WorkerId} (process {Pid}) ignored SIGTERM; killing it")]
    public static partial void WorkerKilled(this ILogger logger, string jobId, string workerId, int pid);
}
