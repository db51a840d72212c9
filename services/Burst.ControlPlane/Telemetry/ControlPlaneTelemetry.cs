using System.Diagnostics;
using Burst.ServiceDefaults;

namespace Burst.ControlPlane.Telemetry;

/// <summary>The control plane as a telemetry source: its service name, ActivitySource and Meter.</summary>
internal static class ControlPlaneTelemetry
{
    public const string ServiceName = "burst-control-plane";

    /// <summary>The name of both the ActivitySource and the Meter.</summary>
    public const string SourceName = "Burst.ControlPlane";

    public static readonly string Version = TelemetryIdentity.VersionOf(typeof(ControlPlaneTelemetry).Assembly);

    public static readonly ActivitySource Source = new(SourceName, Version);

    public static TelemetryIdentity Identity { get; } = new(ServiceName, Version)
    {
        ActivitySources = [SourceName],
        Meters = [ControlPlaneMetrics.MeterName],
    };
}
