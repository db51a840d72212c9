using Burst.Cli.Watching;
using Grpc.Core;
using Google.Rpc;

namespace Burst.Cli;

/// <summary>Runs a verb's body and turns what can go wrong into a message and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(
        CliContext context,
        string? serverUrl,
        Func<CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && IsCancellation(e))
        {
            context.Error.WriteLine("burst: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (CliUsageException e)
        {
            context.Error.WriteLine($"burst: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (RpcException e)
        {
            return Report(e, serverUrl, context.Error);
        }
        catch (WatchAbandonedException e)
        {
            context.Error.WriteLine($"burst: {e.Message}");
            return ExitCodes.Unreachable;
        }
    }

    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled };

    public static int Report(RpcException e, string? serverUrl, TextWriter error)
    {
        var detail = string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        switch (e.StatusCode)
        {
            case StatusCode.Unavailable:
                error.WriteLine($"burst: cannot reach the control plane at {serverUrl}: {detail} (is `burst server` running?)");
                return ExitCodes.Unreachable;
            case StatusCode.NotFound:
                error.WriteLine($"burst: not found: {detail}");
                return ExitCodes.NotFound;
            default:
                error.WriteLine($"burst: the control plane answered {e.StatusCode}: {detail}");
                foreach (var violation in FieldViolations(e))
                {
                    error.WriteLine($"  {violation.Field}: {violation.Description}");
                }

                return ExitCodes.Failed;
        }
    }

    private static IEnumerable<BadRequest.Types.FieldViolation> FieldViolations(RpcException e)
    {
        var status = e.GetRpcStatus();
        var badRequest = status?.GetDetail<BadRequest>();
        return badRequest?.FieldViolations ?? Enumerable.Empty<BadRequest.Types.FieldViolation>();
    }
}
