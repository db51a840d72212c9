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
        var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
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
        var own = (Process.GetCurrentProcess().TotalProcessorTime - ownBefore).TotalMicroseconds;
        return new UnaryResult(calls, calls / elapsed, latency, calls == 0 ? double.NaN : cpu / calls)
        {
            ClientCpuMicrosPerCall = calls == 0 ? double.NaN : own / calls,
        };
    }
}

internal sealed record UnaryResult(int Calls, double PerSecond, Latencies Latency, double CpuMicrosPerCall)
{
    /// <summary>This bench client's own CPU per call: it shares the machine's cores with the server.</summary>
    public double ClientCpuMicrosPerCall { get; init; } = double.NaN;

    public string Summary() => $"{PerSecond:F0} calls/s, server CPU {CpuMicrosPerCall:F0} us/call (client {ClientCpuMicrosPerCall:F0}), {Latency.Summary()}";

    /// <summary>Several runs of the same call as one: calls over their summed time, CPU over their summed calls.</summary>
    public static UnaryResult Combine(IEnumerable<UnaryResult> runs)
    {
        var all = runs.ToList();
        var calls = all.Sum(r => r.Calls);
        var seconds = all.Sum(r => r.PerSecond > 0 ? r.Calls / r.PerSecond : 0);
        var cpu = all.Sum(r => r.Calls == 0 ? 0 : r.CpuMicrosPerCall * r.Calls);
        var own = all.Sum(r => r.Calls == 0 ? 0 : r.ClientCpuMicrosPerCall * r.Calls);
        return new UnaryResult(calls, seconds > 0 ? calls / seconds : 0, Latencies.Merge(all.Select(r => r.Latency)), calls == 0 ? double.NaN : cpu / calls)
        {
            ClientCpuMicrosPerCall = calls == 0 ? double.NaN : own / calls,
        };
    }
}
