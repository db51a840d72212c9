using Burst.V1;

namespace Burst.ControlPlane.Runtime;

internal static partial class RuntimeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: scheduled, provisioning {Workers} worker(s) with the {Provider} provider")]
    public static partial void JobScheduled(this ILogger logger, string jobId, int workers, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {State}. {Detail}")]
    public static partial void JobFinished(this ILogger logger, string jobId, JobState state, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: cancelling ({Reason})")]
    public static partial void JobCancelling(this ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: recovered in state {State} with {Trials} committed trial(s) and {Workers} live worker(s)")]
    public static partial void JobRecovered(this ILogger logger, string jobId, JobState state, int trials, int workers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: worker {WorkerId} is lost: {Reason}")]
    public static partial void WorkerLost(this ILogger logger, string jobId, string workerId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: worker {WorkerId} could not be started")]
    public static partial void ProvisioningFailed(this ILogger logger, Exception exception, string jobId, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: worker {WorkerId} attached (stream {SessionId}, last committed report {Sequence})")]
    public static partial void WorkerAttached(this ILogger logger, string jobId, string workerId, long sessionId, long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: worker {WorkerId} detached (stream {SessionId})")]
    public static partial void WorkerDetached(this ILogger logger, string jobId, string workerId, long sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: worker {WorkerId} reported trial {TrialId} rung {Rung} again; it is stored once")]
    public static partial void DuplicateTrial(this ILogger logger, string jobId, string workerId, int trialId, int rung);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: worker {WorkerId} reported trial {TrialId} rung {Rung}, which the search does not have; ignored")]
    public static partial void UnknownTrial(this ILogger logger, string jobId, string workerId, int trialId, int rung);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: search finished; worker {WorkerId} refits the best config")]
    public static partial void RefitSent(this ILogger logger, string jobId, string workerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: {Count} trial(s) handed to worker {WorkerId}")]
    public static partial void TrialsAssigned(this ILogger logger, string jobId, string workerId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Background work failed: {What}")]
    public static partial void BackgroundWorkFailed(this ILogger logger, Exception exception, string what);
}
