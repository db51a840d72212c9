using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Burst.ServiceDefaults;
using Burst.V1;

namespace Burst.ControlPlane.Telemetry;

/// <summary>
/// One trace per job. SubmitJob starts it with a root span, whatever trace the caller is in (the
/// caller's span and the root link to each other), and its context is stored with the job, so that
/// scheduling, provisioning and the agents (through TRACEPARENT) join the same trace, also after a
/// control-plane restart. WatchJob calls link to it.
/// </summary>
internal static class JobTracing
{
    /// <summary>Starts the root span of a new job; its context is what the store keeps.</summary>
    public static SpanScope StartJob(string jobId, string provider)
    {
        var caller = Activity.Current;
        var scope = SpanScope.Start(
            ControlPlaneTelemetry.Source,
            "burst.job",
            parent: default,
            tags: [new(TelemetryTags.JobId, jobId), new(TelemetryTags.Provider, provider)],
            links: caller is null ? null : [new ActivityLink(caller.Context)]);
        if (scope.Span is { } root)
        {
            caller?.AddLink(new ActivityLink(root.Context));
        }

        return scope;
    }

    /// <summary>The traceparent to store for a job whose root span is <paramref name="root"/> (made up when nothing records spans).</summary>
    public static string TraceParentOf(SpanScope root) =>
        TraceParents.Format(root.Span?.Context ?? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded));

    /// <summary>
    /// The job's trace context from its stored traceparent. Jobs stored before traces were kept get
    /// one derived from the job id, so that all of their spans still share one trace.
    /// </summary>
    public static ActivityContext ContextOf(string jobId, string? storedTraceParent)
    {
        var stored = TraceParents.Parse(storedTraceParent);
        if (stored != default)
        {
            return stored;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(jobId));
        return new ActivityContext(
            ActivityTraceId.CreateFromBytes(hash.AsSpan(0, 16)),
            ActivitySpanId.CreateFromBytes(hash.AsSpan(16, 8)),
            ActivityTraceFlags.Recorded,
            isRemote: true);
    }

    /// <summary>A span of the job's own work (scheduling, provisioning, finishing) under <paramref name="parent"/>.</summary>
    public static SpanScope Start(string name, ActivityContext parent, string jobId, params KeyValuePair<string, object?>[] tags) =>
        SpanScope.Start(ControlPlaneTelemetry.Source, name, parent, tags: [new(TelemetryTags.JobId, jobId), .. tags]);

    /// <summary>Tags the current server span (a gRPC call) with the job it is about.</summary>
    public static void TagCall(string jobId, string? workerId = null)
    {
        if (Activity.Current is { } call)
        {
            call.SetTag(TelemetryTags.JobId, jobId);
            if (workerId is not null)
            {
                call.SetTag(TelemetryTags.WorkerId, workerId);
            }
        }
    }

    /// <summary>Links the current server span (a WatchJob call) to the job's trace.</summary>
    public static void LinkCall(ActivityContext job) => Activity.Current?.AddLink(new ActivityLink(job));

    public static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    public static KeyValuePair<string, object?> State(JobState state) => Tag(TelemetryTags.JobState, ControlPlaneMetrics.StateName(state));
}
