using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Scheduling;

internal static partial class SchedulingLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling queued jobs failed; retrying at the next wake")]
    public static partial void SchedulingFailed(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking worker liveness failed; retrying at the next tick")]
    public static partial void LivenessCheckFailed(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling the exit of worker {WorkerId} of job {JobId} failed")]
    public static partial void ExitHandlingFailed(this ILogger logger, Exception exception, string jobId, string workerId);
}
