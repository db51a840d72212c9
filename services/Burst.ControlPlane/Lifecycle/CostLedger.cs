using System.Collections.Immutable;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>
/// A job's machine time and its estimated price, as a value: a worker's VM counts from the moment the
/// core decides to provision it to the moment its stop is done (or it was seen ended). Every worker of
/// a job has the same machine type, so the estimate is VM-seconds times one hourly price.
/// </summary>
internal sealed record CostLedger(double HourlyUsd, double ClosedSeconds)
{
    public ImmutableDictionary<string, DateTimeOffset> Open { get; init; } = ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>The VM-seconds the last cost event reported.</summary>
    public double ReportedVmSeconds { get; init; }

    /// <summary>A ledger for a job whose provider charges something; null for free machines (the local provider).</summary>
    public static CostLedger? For(double hourlyUsd, Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var committed = job.Cost?.VmSeconds ?? 0;
        return hourlyUsd > 0 ? new CostLedger(hourlyUsd, committed) { ReportedVmSeconds = committed } : null;
    }

    /// <summary>A worker's machine starts counting (a no-op for one already counting).</summary>
    public CostLedger Start(string workerId, DateTimeOffset now) => Open.ContainsKey(workerId) ? this : this with { Open = Open.Add(workerId, now) };

    /// <summary>A worker's machine stops counting.</summary>
    public CostLedger Stop(string workerId, DateTimeOffset now) =>
        Open.TryGetValue(workerId, out var since)
            ? this with { Open = Open.Remove(workerId), ClosedSeconds = ClosedSeconds + (now > since ? (now - since).TotalSeconds : 0) }
            : this;

    /// <summary>Machine time and price up to <paramref name="now"/>.</summary>
    public Cost Measure(DateTimeOffset now)
    {
        var seconds = ClosedSeconds + Open.Values.Sum(since => now > since ? (now - since).TotalSeconds : 0);
        return new Cost { VmSeconds = Math.Round(seconds, 3), EstimatedUsd = Math.Round(seconds * HourlyUsd / 3600, 6) };
    }
}
