using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Burst.ServiceDefaults.Tests;

public sealed class StandaloneTelemetryTests
{
    [Fact]
    public void A_process_without_a_host_exports_spans_under_a_remote_parent_with_its_resource_attributes()
    {
        var spans = new List<Activity>();
        var logs = new List<LogRecord>();
        var parent = ActivityContext.Parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
        var identity = new TelemetryIdentity("burst-standalone-test", "9.9.9")
        {
            ActivitySources = ["Burst.Tests.Standalone"],
            Attributes = new Dictionary<string, object> { ["burst.job_id"] = "j-test" },
        };

        string traceId;
        using (var telemetry = StandaloneTelemetry.Start(
            identity,
            TelemetryExportTests.Configuration(),
            configureServices: services => services
                .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryLoggerProvider(l => l.AddInMemoryExporter(logs))))
        {
            using var source = new ActivitySource("Burst.Tests.Standalone");
            using (var span = source.StartActivity("agent", ActivityKind.Internal, parent))
            {
                Assert.NotNull(span);
                traceId = span.TraceId.ToHexString();
                telemetry.Loggers.CreateLogger("standalone").LogWarning("from the agent");
            }

            var resource = telemetry.Tracing.GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
            Assert.Equal("burst-standalone-test", resource["service.name"]);
            Assert.Equal("j-test", resource["burst.job_id"]);
        }

        // Disposed: everything buffered was flushed.
        var agent = Assert.Single(spans, s => s.DisplayName == "agent");
        Assert.Equal(parent.TraceId, agent.TraceId);
        Assert.Equal(parent.SpanId, agent.ParentSpanId);
        Assert.Equal(traceId, Assert.Single(logs, l => l.FormattedMessage == "from the agent").TraceId.ToHexString());
    }
}
