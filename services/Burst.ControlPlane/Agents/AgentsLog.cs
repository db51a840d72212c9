namespace Burst.ControlPlane.Agents;

internal static partial class AgentsLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "An Attach stream failed")]
    public static partial void AttachFailed(this ILogger logger, Exception exception);
}
