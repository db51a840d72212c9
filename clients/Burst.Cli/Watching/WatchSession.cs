using System.Runtime.CompilerServices;
using Burst.Contracts;
using Burst.V1;
using Grpc.Core;

namespace Burst.Cli.Watching;

/// <summary>
/// Follows one job's events across dropped connections: after a drop it calls WatchJob again with
/// <c>after_sequence</c> = the last sequence it yielded, so nothing is shown twice and nothing is missed.
/// It ends after the terminal event (or when the job is found terminal with nothing left to send).
/// </summary>
internal sealed class WatchSession(
    JobService.JobServiceClient client,
    string jobId,
    WatchRetryPolicy retry,
    TimeProvider time,
    Action<string>? notice = null)
{
    public long LastSequence { get; private set; }

    /// <summary>How many times the stream was opened again after a drop.</summary>
    public int Reconnects { get; private set; }

    public async IAsyncEnumerable<JobEvent> ReadAllAsync(
        long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LastSequence = afterSequence;
        var failures = 0;
        long? failingSince = null;
        while (true)
        {
            string problem;
            var opened = time.GetTimestamp();
            using (var call = client.WatchJob(
                new WatchJobRequest { JobId = jobId, AfterSequence = LastSequence },
                cancellationToken: cancellationToken))
            {
                while (true)
                {
                    bool received;
                    try
                    {
                        received = await call.ResponseStream.MoveNext(cancellationToken);
                    }
                    catch (RpcException e) when (IsDroppedConnection(e, cancellationToken))
                    {
                        problem = $"{e.StatusCode}: {e.Status.Detail}";
                        break;
                    }

                    if (!received)
                    {
                        problem = "the stream ended before the job finished";
                        break;
                    }

                    var jobEvent = call.ResponseStream.Current;
                    if (jobEvent.Sequence <= LastSequence)
                    {
                        continue;
                    }

                    LastSequence = jobEvent.Sequence;
                    failures = 0;
                    failingSince = null;
                    yield return jobEvent;
                    if (JobStates.IsTerminal(jobEvent))
                    {
                        yield break;
                    }
                }
            }

            if (time.GetElapsedTime(opened) >= retry.HealthyAfter)
            {
                failures = 0;
                failingSince = null;
            }

            // A job that is over with nothing after our sequence ends the watch instead of a reconnect loop
            // (`burst watch JOB --after N` on a finished job).
            var finished = await IsFinishedAsync(cancellationToken);
            if (finished == true)
            {
                yield break;
            }

            failingSince ??= time.GetTimestamp();
            var waited = time.GetElapsedTime(failingSince.Value);
            if (waited >= retry.GiveUpAfter)
            {
                throw new WatchAbandonedException(jobId, LastSequence, waited, problem);
            }

            var delay = retry.DelayBeforeAttempt(failures++);
            notice?.Invoke(
                $"watch of job {jobId} interrupted ({problem}); resuming after sequence {LastSequence} in {Specs.DurationText.Format(delay)}");
            await Task.Delay(delay, time, cancellationToken);
            Reconnects++;
        }
    }

    /// <summary>True when the job is terminal and we have seen its last event; null when the server cannot say.</summary>
    private async Task<bool?> IsFinishedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var job = await client.GetJobAsync(new GetJobRequest { JobId = jobId }, cancellationToken: cancellationToken);
            return JobStates.IsTerminal(job.State) && job.LastSequence <= LastSequence;
        }
        catch (RpcException e) when (IsDroppedConnection(e, cancellationToken))
        {
            return null;
        }
    }

    /// <summary>Errors a reconnect can fix; NOT_FOUND, PERMISSION_DENIED and the like are final.</summary>
    private static bool IsDroppedConnection(RpcException e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled or StatusCode.Unknown;
}
