using Burst.V1;

namespace Burst.ControlPlane.Runtime;

/// <summary>
/// A job's machine time and its estimated price. A worker's VM counts from the moment its insert is
/// asked for to the moment its delete is done (or the VM was seen ended); every worker of a job has
/// the same machine type, so the estimate is VM-seconds times one hourly price. Touched from the
/// job's gate and from background stops, so it locks on its own.
/// </summary>
internal sealed class CostMeter(double hourlyUsd, double committedVmSeconds)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _open = new(StringComparer.Ordinal);
    private double _closedSeconds = committedVmSeconds;

    public double HourlyUsd { get; } = hourlyUsd;

    /// <summary>The VM-seconds the last cost event reported.</summary>
    public double ReportedVmSeconds { get; set; } = committedVmSeconds;

    /// <summary>A meter for a job whose provider charges something; null for free machines (the local provider).</summary>
    public static CostMeter? For(double hourlyUsd, Job job) =>
        hourlyUsd > 0 ? new CostMeter(hourlyUsd, job.Cost?.VmSeconds ?? 0) : null;

    /// <summary>A worker's machine starts counting (again a no-op for one already counting).</summary>
    public void Start(string workerId, DateTimeOffset now)
    {
        lock (_lock)
        {
            _open.TryAdd(workerId, now);
        }
    }

    /// <summary>A worker's machine stops counting.</summary>
    public void Stop(string workerId, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_open.Remove(workerId, out var since) && now > since)
            {
                _closedSeconds += (now - since).TotalSeconds;
            }
        }
    }

    /// <summary>Machine time and price up to <paramref name="now"/>.</summary>
    public Cost Measure(DateTimeOffset now)
    {
        lock (_lock)
        {
            var seconds = _closedSeconds + _open.Values.Sum(since => now > since ? (now - since).TotalSeconds : 0);
            return new Cost { VmSeconds = Math.Round(seconds, 3), EstimatedUsd = Math.Round(seconds * HourlyUsd / 3600, 6) };
        }
    }
}
