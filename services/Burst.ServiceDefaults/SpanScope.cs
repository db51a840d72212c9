using System.Diagnostics;

namespace Burst.ServiceDefaults;

/// <summary>
/// A span with an explicit parent (a job's stored trace, a TRACEPARENT from the environment) rather
/// than whatever is current. Disposing ends the span and puts back the span that was current before:
/// an Activity started from a context has no parent object, so stopping it alone would leave no
/// current span at all.
/// </summary>
public sealed class SpanScope : IDisposable
{
    private readonly Activity? _previous;

    private SpanScope(Activity? previous, Activity? span)
    {
        _previous = previous;
        Span = span;
    }

    /// <summary>Null when nothing listens to the source.</summary>
    public Activity? Span { get; }

    /// <summary>
    /// Starts <paramref name="name"/> under <paramref name="parent"/>; a default parent makes a new
    /// trace (a root span), whatever span is current.
    /// </summary>
    public static SpanScope Start(
        ActivitySource source,
        string name,
        ActivityContext parent,
        ActivityKind kind = ActivityKind.Internal,
        IEnumerable<KeyValuePair<string, object?>>? tags = null,
        IEnumerable<ActivityLink>? links = null,
        DateTimeOffset startTime = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var previous = Activity.Current;
        if (parent == default)
        {
            Activity.Current = null;
        }

        var span = source.StartActivity(name, kind, parent, tags, links, startTime);
        if (span is null)
        {
            Activity.Current = previous;
        }

        return new SpanScope(previous, span);
    }

    /// <summary>Marks the span failed with the exception's message.</summary>
    public void Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Span?.SetStatus(ActivityStatusCode.Error, exception.Message);
        Span?.AddException(exception);
    }

    public void Dispose()
    {
        Span?.Dispose();
        Activity.Current = _previous;
    }
}
