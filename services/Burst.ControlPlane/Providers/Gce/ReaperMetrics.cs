using System.Diagnostics.Metrics;

namespace Burst.ControlPlane.Providers.Gce;

/// <summary>
/// The reaper's instruments, on the "Burst.ControlPlane" meter: an OpenTelemetry MeterProvider that
/// adds that meter exports them as they are.
/// </summary>
public static class ReaperMetrics
{
    public const string MeterName = "Burst.ControlPlane";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Orphaned VMs deleted, tagged with why (job_terminal, job_unknown, worker_gone).</summary>
    public static readonly Counter<long> Deletions = Meter.CreateCounter<long>("burst.reaper.deletions", "{instance}", "burst-managed VMs the reaper deleted because their job or worker was over or unknown");
}
