namespace Burst.ControlPlane.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Client access: {Mode}")]
    public static partial void Access(this ILogger logger, string mode);

    // The key itself is never logged: only the name of the key that was used.
    [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "API key {KeyName} ({Role}) may not call {Method}")]
    public static partial void Denied(this ILogger logger, string keyName, string role, string method);

    [LoggerMessage(EventId = 902, Level = LogLevel.Information, Message = "A call to {Method} from {Peer} carried no valid API key")]
    public static partial void Unauthenticated(this ILogger logger, string method, string peer);
}
