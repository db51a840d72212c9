using System.Diagnostics;
using Burst.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace Burst.TrainerAgent.Agent;

/// <summary>
/// The agent as a telemetry source. Its spans continue the job's trace: the provider hands the
/// provisioning span's context over as TRACEPARENT, and "burst.agent" (the whole process) hangs
/// under it, with attach, each trial, refit, upload and result below. Export follows the same
/// OTEL_* variables as the control plane, which the local provider's agents inherit.
/// </summary>
internal static class AgentTelemetry
{
    public const string ServiceName = "burst-agent";
    public const string SourceName = "Burst.TrainerAgent";
    public const string JobId = "burst.job_id";
    public const string WorkerId = "burst.worker_id";

    public static readonly string Version = TelemetryIdentity.VersionOf(typeof(AgentTelemetry).Assembly);

    public static readonly ActivitySource Source = new(SourceName, Version);

    /// <summary>Starts the pipeline for one agent process; the job and worker are resource attributes, as the process serves one.</summary>
    public static StandaloneTelemetry Start(AgentSettings settings, Action<ILoggingBuilder> configureLogging) =>
        StandaloneTelemetry.Start(
            new TelemetryIdentity(ServiceName, Version)
            {
                ActivitySources = [SourceName],
                Attributes = new Dictionary<string, object> { [JobId] = settings.JobId, [WorkerId] = settings.WorkerId },
            },
            configureLogging: configureLogging);

    /// <summary>A span of this agent's work under <paramref name="parent"/>, tagged with its job and worker.</summary>
    public static SpanScope Span(string name, ActivityContext parent, AgentSettings settings, DateTimeOffset startTime = default, ActivityKind kind = ActivityKind.Internal) =>
        SpanScope.Start(
            Source,
            name,
            parent,
            kind,
            [new(JobId, settings.JobId), new(WorkerId, settings.WorkerId)],
            startTime: startTime);
}
