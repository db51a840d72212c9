namespace Burst.ControlPlane.Telemetry;

/// <summary>Attribute names on the control plane's spans and metrics (the agent uses the same job and worker names).</summary>
internal static class TelemetryTags
{
    /// <summary>On every span of a job; never on metrics, where one series per job would grow without end.</summary>
    public const string JobId = "burst.job_id";

    public const string WorkerId = "burst.worker_id";

    public const string Provider = "burst.provider";

    public const string JobState = "burst.job.state";

    public const string EventKind = "burst.event.kind";

    public const string MachineType = "burst.machine_type";

    public const string Reason = "burst.reason";
}
