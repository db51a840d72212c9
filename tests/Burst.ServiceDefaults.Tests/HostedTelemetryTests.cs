using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Burst.ServiceDefaults.Tests;

public sealed class HostedTelemetryTests
{
    private static readonly TelemetryIdentity Identity = new("burst-test-service", "1.2.3")
    {
        ActivitySources = ["Burst.Tests.Hosted"],
        Meters = ["Burst.Tests.Hosted"],
    };

    [Fact]
    public async Task Spans_logs_and_metrics_of_the_service_go_through_one_pipeline_with_its_name_and_version()
    {
        var spans = new List<Activity>();
        var logs = new List<LogRecord>();
        var metrics = new List<Metric>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddServiceDefaults(Identity);
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
        builder.Services.ConfigureOpenTelemetryLoggerProvider(l => l.AddInMemoryExporter(logs));
        await using var app = builder.Build();
        await app.StartAsync();

        using var source = new ActivitySource("Burst.Tests.Hosted");
        using var meter = new Meter("Burst.Tests.Hosted");
        var counter = meter.CreateCounter<long>("burst.test.things");
        string traceId;
        using (var span = source.StartActivity("work"))
        {
            Assert.NotNull(span);
            traceId = span.TraceId.ToHexString();
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("test").LogInformation("inside the span");
            counter.Add(3);
        }

        var tracer = app.Services.GetRequiredService<TracerProvider>();
        var meterProvider = app.Services.GetRequiredService<MeterProvider>();
        Assert.True(tracer.ForceFlush());
        Assert.True(meterProvider.ForceFlush());
        app.Services.GetRequiredService<LoggerProvider>().ForceFlush();

        var resource = tracer.GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("burst-test-service", resource["service.name"]);
        Assert.Equal("1.2.3", resource["service.version"]);
        Assert.Contains(spans, s => s.DisplayName == "work");
        var log = Assert.Single(logs, l => l.FormattedMessage == "inside the span");
        Assert.Equal(traceId, log.TraceId.ToHexString());
        var things = Assert.Single(metrics, m => m.Name == "burst.test.things");
        long sum = 0;
        foreach (ref readonly var point in things.GetMetricPoints())
        {
            sum += point.GetSumLong();
        }

        Assert.Equal(3, sum);
    }

    [Fact]
    public async Task Sources_the_identity_does_not_name_are_not_recorded()
    {
        var spans = new List<Activity>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddServiceDefaults(Identity);
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
        await using var app = builder.Build();
        await app.StartAsync();

        using var other = new ActivitySource("Burst.Tests.Unnamed");
        using (other.StartActivity("ignored"))
        {
        }

        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        Assert.DoesNotContain(spans, s => s.DisplayName == "ignored");
    }
}
