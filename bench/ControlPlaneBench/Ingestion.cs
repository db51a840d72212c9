using System.Diagnostics;

namespace Burst.Bench;

/// <summary>Every agent sends log reports as fast as its acks allow, for the phase's duration.</summary>
internal static class Ingestion
{
    public static async Task<IngestionResult> RunAsync(IReadOnlyList<SimulatedAgent> agents, TimeSpan duration, ServerProcess server)
    {
        var ackedBefore = agents.Sum(a => a.Acked);
        var cpuBefore = server.CpuTime();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(agents.Select(agent => Task.Run(async () =>
        {
            var n = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await agent.SendLogAsync($"bench line {n++}", stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        })));
        await Task.WhenAll(agents.Select(a => a.DrainAsync(TimeSpan.FromSeconds(30))));
        var seconds = clock.Elapsed.TotalSeconds;
        var reports = agents.Sum(a => a.Acked) - ackedBefore;
        var cpu = (server.CpuTime() - cpuBefore).TotalMicroseconds;
        return new IngestionResult(reports, seconds, reports / seconds, reports == 0 ? double.NaN : cpu / reports);
    }
}

internal sealed record IngestionResult(long Reports, double Seconds, double ReportsPerSecond, double CpuMicrosPerReport);
