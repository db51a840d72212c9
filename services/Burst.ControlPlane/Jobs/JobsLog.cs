using Burst.V1;

namespace Burst.ControlPlane.Jobs;

internal static partial class JobsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: submitted ({Strategy}, {Trials} trials, provider {Provider})")]
    public static partial void JobSubmitted(this ILogger logger, string jobId, SearchStrategy strategy, int trials, string provider);
}
