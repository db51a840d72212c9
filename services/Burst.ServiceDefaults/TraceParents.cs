using System.Diagnostics;

namespace Burst.ServiceDefaults;

/// <summary>W3C traceparent strings, as stored with a job and handed to agents (TRACEPARENT).</summary>
public static class TraceParents
{
    /// <summary>"00-{trace id}-{span id}-{flags}".</summary>
    public static string Format(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";

    /// <summary>The remote context a traceparent names; default when it is missing or malformed.</summary>
    public static ActivityContext Parse(string? traceParent) =>
        !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
}
