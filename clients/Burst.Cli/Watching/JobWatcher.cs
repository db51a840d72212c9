using Burst.Cli.Rendering;
using Burst.V1;

namespace Burst.Cli.Watching;

/// <summary>
/// The watch that <c>watch</c>, <c>submit --watch</c> and <c>demo</c> share: pick a view, follow the job with
/// resume, print the outcome, and turn it into an exit code.
/// </summary>
internal static class JobWatcher
{
    public static async Task<WatchOutcome> WatchAsync(
        CliContext context,
        ServerConnection connection,
        Job snapshot,
        long afterSequence,
        bool json,
        CancellationToken cancellationToken)
    {
        IWatchView view = json ? new JsonWatchView(context.Out, context.Error)
            : context.Interactive ? new LiveWatchView(context.Console)
            : new PlainWatchView(context.Out, context.Error);
        var state = new JobWatchState(snapshot);
        var session = new WatchSession(connection.Jobs, snapshot.JobId, context.WatchRetry, context.Time, view.Notice);
        try
        {
            await view.FollowAsync(session.ReadAllAsync(afterSequence, cancellationToken), state, cancellationToken);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested
            && e is OperationCanceledException or Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled })
        {
            context.Error.WriteLine(
                $"burst: stopped watching job {snapshot.JobId} at sequence {session.LastSequence}; the job keeps running " +
                $"(resume with `burst watch {snapshot.JobId} --after {session.LastSequence}`)");
            return new WatchOutcome(state.Job, ExitCodes.Interrupted);
        }

        var job = state.SawTerminalEvent
            ? state.Job
            : await connection.Jobs.GetJobAsync(new GetJobRequest { JobId = snapshot.JobId }, cancellationToken: cancellationToken);
        if (json)
        {
            if (job.State != JobState.Succeeded)
            {
                context.Error.WriteLine($"burst: job {job.JobId} {Text.Name(job.State)}: {Text.Error(job.Error)}");
            }
        }
        else
        {
            JobSummary.Write(job, context.Out);
        }

        return new WatchOutcome(job, job.State == JobState.Succeeded ? ExitCodes.Success : ExitCodes.Failed);
    }
}

/// <summary>The job as the watch last saw it, and the exit code that says how it ended.</summary>
internal sealed record WatchOutcome(Job Job, int ExitCode);
