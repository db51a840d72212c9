using Microsoft.Extensions.Logging;

namespace Burst.TrainerAgent.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(1, LogLevel.Information, "Attaching to {ControlPlane} as worker {WorkerId} of job {JobId}")]
    public static partial void Attaching(ILogger logger, Uri controlPlane, string workerId, string jobId);

    [LoggerMessage(2, LogLevel.Information, "Attached: {TotalTrials} trials in the search, {Unacked} reports to re-send")]
    public static partial void Attached(ILogger logger, int totalTrials, int unacked);

    [LoggerMessage(3, LogLevel.Warning, "Connection to the control plane lost ({Reason}); retrying in {Delay}")]
    public static partial void Reconnecting(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Error, "The control plane refused this agent: {Status} {Detail}")]
    public static partial void Refused(ILogger logger, Grpc.Core.StatusCode status, string detail);

    [LoggerMessage(5, LogLevel.Error, "No connection to the control plane for {Window}; giving up")]
    public static partial void GaveUp(ILogger logger, TimeSpan window);

    [LoggerMessage(6, LogLevel.Information, "Cancelled by the control plane: {Reason}")]
    public static partial void Cancelled(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Information, "Shutdown from the control plane ({Reason}); exit action {Action}")]
    public static partial void ShuttingDown(ILogger logger, string reason, ExitAction action);

    [LoggerMessage(8, LogLevel.Information, "Loaded {Rows} training rows and {Features} features from {Uri}")]
    public static partial void DataLoaded(ILogger logger, int rows, int features, string uri);

    [LoggerMessage(9, LogLevel.Information, "Trial {TrialId} (rung {Rung}): mean {Mean:F5} in {Duration}")]
    public static partial void TrialDone(ILogger logger, int trialId, int rung, double mean, TimeSpan duration);

    [LoggerMessage(10, LogLevel.Error, "The job cannot run: {Message}")]
    public static partial void WorkFailed(ILogger logger, string message, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Model bundle written to {Uri}; test accuracy {Accuracy:F5}")]
    public static partial void ModelWritten(ILogger logger, string uri, double accuracy);

    [LoggerMessage(12, LogLevel.Warning, "Exit action {Action} failed: {Message}")]
    public static partial void ExitActionFailed(ILogger logger, ExitAction action, string message);

    [LoggerMessage(13, LogLevel.Information, "Stopping on a signal")]
    public static partial void Signalled(ILogger logger);

    [LoggerMessage(14, LogLevel.Information, "Deleting this instance, {Name} in {Zone} of project {Project}")]
    public static partial void DeletingInstance(ILogger logger, string project, string zone, string name);
}
