using System.Diagnostics;

namespace Burst.Bench;

/// <summary>Closed-loop load: N callers, each calling again as soon as its last call returned.</summary>
internal static class Unary
{
    public static async Task<UnaryResult> RunAsync<T>(int callers, TimeSpan duration, ServerProcess server, Func<CancellationToken, Task<T>> call)
    {
        var latency = new Latencies();
        var calls = 0;
        using var stop = new CancellationTokenSource(duration);
        var cpuBefore = server.CpuTime();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                await call(CancellationToken.None);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref calls);
            }

            latency.AddRange(mine);
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = (server.CpuTime() - cpuBefore).TotalMicroseconds;
        return new UnaryResult(calls, calls / elapsed, latency, calls == 0 ? double.NaN : cpu / calls);
    }
}

internal sealed record UnaryResult(int Calls, double PerSecond, Latencies Latency, double CpuMicrosPerCall)
{
    public string Summary() => $"{PerSecond:F0} calls/s, server CPU {CpuMicrosPerCall:F0} us/call, {Latency.Summary()}";
}
