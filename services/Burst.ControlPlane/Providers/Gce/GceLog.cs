namespace Burst.ControlPlane.Providers.Gce;

internal static partial class GceLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: inserting instance {Name} ({MachineType}, spot: {Spot}) in {Zone}")]
    public static partial void Inserting(this ILogger logger, string jobId, string name, string machineType, bool spot, string zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: worker {WorkerId} runs on instance {Name} in {Zone}")]
    public static partial void Inserted(this ILogger logger, string jobId, string workerId, string name, string zone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: zone {Zone} cannot take {Name} now ({Reason}); trying the next zone")]
    public static partial void ZoneUnavailable(this ILogger logger, string jobId, string zone, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: worker {WorkerId}: {Description}")]
    public static partial void InstanceEnded(this ILogger logger, string jobId, string workerId, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking instance {Zone}/{Name} failed; trying again at the next poll")]
    public static partial void PollFailed(this ILogger logger, Exception exception, string zone, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: deleted instance {Zone}/{Name} of worker {WorkerId}")]
    public static partial void Deleted(this ILogger logger, string jobId, string workerId, string zone, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: adopted instance {Zone}/{Name} ({Status}) of worker {WorkerId}")]
    public static partial void Adopted(this ILogger logger, string jobId, string workerId, string zone, string name, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reaper: deleting instance {Zone}/{Name}: {Reason}")]
    public static partial void Reaping(this ILogger logger, string zone, string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reaper: deleted {Count} instance(s) this sweep, {Total} since start")]
    public static partial void Reaped(this ILogger logger, int count, long total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reaper: a sweep failed; trying again at the next period")]
    public static partial void SweepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No price is known for machine type {MachineType}: its cost is counted as 0")]
    public static partial void NoPrice(this ILogger logger, string machineType);
}
