using Burst.V1;
using Grpc.Core;

namespace Burst.Bench;

/// <summary>
/// N watchers follow one job live while its agent reports log lines at a steady rate; each delivery's
/// delay is its receipt time minus the event's commit time (both this machine's clock).
/// </summary>
internal static class Watching
{
    public static async Task<WatchResult> RunAsync(JobService.JobServiceClient jobs, SimulatedAgent driver, string jobId, int watchers, int events, int perSecond, ServerProcess server)
    {
        var job = await jobs.GetJobAsync(new GetJobRequest { JobId = jobId });
        var start = job.LastSequence;
        var latency = new Latencies();
        using var stop = new CancellationTokenSource();
        var live = new CountdownEvent(watchers);
        var marker = $"bench marker {Guid.NewGuid():N}";
        var calls = Enumerable.Range(0, watchers).Select(_ => Task.Run(async () =>
        {
            using var call = jobs.WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = start }, cancellationToken: stop.Token);
            var mine = new List<double>(events);
            var counting = false;
            try
            {
                await foreach (var e in call.ResponseStream.ReadAllAsync(stop.Token))
                {
                    var received = DateTime.UtcNow;
                    if (!counting)
                    {
                        if (e.Log?.Message == marker)
                        {
                            counting = true;
                            live.Signal();
                        }

                        continue;
                    }

                    if (e.Log is { } line && line.Message.StartsWith("bench event", StringComparison.Ordinal))
                    {
                        mine.Add((received - e.Time.ToDateTime()).TotalMilliseconds);
                        if (mine.Count == events)
                        {
                            break;
                        }
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
            }

            latency.AddRange(mine);
            return mine.Count;
        })).ToList();

        // Every watcher is live once it has seen the marker; only what follows is measured.
        while (!live.IsSet)
        {
            await driver.SendLogAsync(marker, CancellationToken.None);
            await driver.DrainAsync(TimeSpan.FromSeconds(30));
            await Task.Run(() => live.Wait(TimeSpan.FromSeconds(2)));
        }

        var cpuBefore = server.CpuTime();
        var rss = 0.0;
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var next = DateTime.UtcNow;
        for (var i = 0; i < events; i++)
        {
            next += interval;
            await driver.SendLogAsync($"bench event {i}", CancellationToken.None);
            await driver.DrainAsync(TimeSpan.FromSeconds(30));
            if (i == events / 2)
            {
                rss = server.RssMiB().Now;
            }

            var wait = next - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var counts = await Task.WhenAll(calls).WaitAsync(patience.Token);
        var cpu = (server.CpuTime() - cpuBefore).TotalSeconds;
        await stop.CancelAsync();
        var deliveries = counts.Sum();
        return new WatchResult(latency, deliveries, cpu, cpu * 1e6 / Math.Max(1, deliveries), rss);
    }
}

internal sealed record WatchResult(Latencies Latency, int Deliveries, double CpuSeconds, double CpuMicrosPerDelivery, double RssMiB);
