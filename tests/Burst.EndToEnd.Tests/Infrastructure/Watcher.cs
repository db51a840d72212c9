using Burst.Contracts;
using Burst.V1;
using Grpc.Core;

namespace Burst.EndToEnd.Tests.Infrastructure;

internal static class Watcher
{
    /// <summary>Reads WatchJob until it ends, calling <paramref name="onEvent"/> for each event.</summary>
    public static async Task<List<JobEvent>> CollectAsync(JobService.JobServiceClient jobs, string jobId, long after = 0,
        Func<JobEvent, Task>? onEvent = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        var events = new List<JobEvent>();
        using var call = jobs.WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = after }, cancellationToken: cts.Token);
        await foreach (var e in call.ResponseStream.ReadAllAsync(cts.Token))
        {
            events.Add(e);
            if (onEvent is not null)
            {
                await onEvent(e);
            }
        }

        return events;
    }

    /// <summary>
    /// Follows a job across control-plane restarts: on a dropped stream it waits and resumes
    /// after the last sequence it saw.
    /// </summary>
    public static async Task<List<JobEvent>> FollowAsync(Func<JobService.JobServiceClient> jobs, string jobId,
        Func<JobEvent, Task>? onEvent = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        var events = new List<JobEvent>();
        while (true)
        {
            try
            {
                var after = events.Count == 0 ? 0 : events[^1].Sequence;
                using var call = jobs().WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = after }, cancellationToken: cts.Token);
                await foreach (var e in call.ResponseStream.ReadAllAsync(cts.Token))
                {
                    events.Add(e);
                    if (onEvent is not null)
                    {
                        await onEvent(e);
                    }
                }

                if (events.Count > 0 && JobStates.IsTerminal(events[^1]))
                {
                    return events;
                }
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown && !cts.IsCancellationRequested)
            {
            }

            await Task.Delay(300, cts.Token);
        }
    }

    public static void AssertContiguous(IReadOnlyList<JobEvent> events, long first = 1)
    {
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(first + i, events[i].Sequence);
        }
    }

    public static JobState FinalState(IReadOnlyList<JobEvent> events) =>
        events.Last(e => e.KindCase == JobEvent.KindOneofCase.StateChanged).StateChanged.State;

    public static int ParsePid(string instance)
    {
        var digits = new string(instance.Reverse().SkipWhile(c => !char.IsDigit(c)).TakeWhile(char.IsDigit).Reverse().ToArray());
        return int.TryParse(digits, out var pid) ? pid : throw new FormatException($"no process id in worker instance '{instance}'");
    }
}
