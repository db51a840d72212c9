using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Burst.ControlPlane.Tests.Support;

/// <summary>
/// In-memory exporters on a test control plane's own OpenTelemetry pipeline. Span listeners are
/// process-wide, so tests pick their spans by trace id; metrics tests run alone (<see cref="MetricsCollection"/>).
/// </summary>
internal sealed class Telemetry
{
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private IServiceProvider? _services;

    public Action<IServiceCollection> Services => services => services
        .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans))
        .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(_metrics));

    public void Attach(TestControlPlane controlPlane) => _services = controlPlane.Services;

    /// <summary>Every ended span of the trace, exported so far.</summary>
    public List<Activity> Spans(ActivityTraceId traceId)
    {
        _services!.GetRequiredService<TracerProvider>().ForceFlush();
        lock (_spans)
        {
            return _spans.Where(s => s.TraceId == traceId).ToList();
        }
    }

    public List<Activity> AllSpans()
    {
        _services!.GetRequiredService<TracerProvider>().ForceFlush();
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <summary>The metrics as of now (cumulative since the control plane started).</summary>
    public MetricsView Collect()
    {
        lock (_metrics)
        {
            _metrics.Clear();
        }

        _services!.GetRequiredService<MeterProvider>().ForceFlush();
        lock (_metrics)
        {
            return new MetricsView([.. _metrics]);
        }
    }
}

/// <summary>One collection's metrics, read by name and attributes.</summary>
internal sealed class MetricsView(IReadOnlyList<MetricSnapshot> metrics)
{
    public bool Has(string name) => metrics.Any(m => m.Name == name);

    public long LongSum(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetSumLong());

    public double DoubleSum(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetSumDouble());

    public long HistogramCount(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetHistogramCount());

    public double HistogramSum(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.GetHistogramSum());

    public string? Unit(string name) => metrics.FirstOrDefault(m => m.Name == name)?.Unit;

    private List<MetricPoint> Points(string name, (string Key, object Value)[] tags)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.MetricPoints)
            {
                var attributes = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    attributes[tag.Key] = tag.Value;
                }

                if (tags.All(t => attributes.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }
}

/// <summary>
/// Metric listeners see every meter of that name in the process, so tests that count must not share
/// it with other control planes: this collection runs on its own.
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;
