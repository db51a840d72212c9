using System.Net;
using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;
using Grpc.Health.V1;

namespace Burst.EndToEnd.Tests;

/// <summary>
/// A real `burst server` (and so its `burst-agent`) exporting OTLP/HTTP to a receiver in the test,
/// with one finished job, shared by the tests below.
/// </summary>
public sealed class TelemetryFixture : IAsyncLifetime
{
    internal OtlpReceiver Receiver { get; private set; } = null!;

    internal BurstServer Server { get; private set; } = null!;

    internal int HealthPort { get; private set; }

    internal Job Job { get; private set; } = null!;

    internal List<JobEvent> Events { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await OtlpReceiver.StartAsync();
        HealthPort = Repo.FreePort();
        Server = await BurstServer.StartAsync(environment: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export soon rather than every 5 s (spans, logs) and 60 s (metrics), so the tests need not wait.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["Burst__HealthListen"] = $"http://127.0.0.1:{HealthPort}",
        });
        Job = await Server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus(trials: 4) });
        Events = await Watcher.CollectAsync(Server.Jobs, Job.JobId);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>One job is one trace holding both processes' spans; logs carry it; metrics and probes answer.</summary>
public sealed class TelemetryTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_job_is_one_trace_with_the_agents_spans_under_the_control_planes()
    {
        var job = fixture.Job;
        Assert.True(Watcher.FinalState(fixture.Events) == JobState.Succeeded, fixture.Server.Log);

        // The agent exports its last spans as it exits after Shutdown; the control plane every 200 ms.
        var spans = await SpansWhenAsync(job.JobId, s =>
            s.Any(x => x.Name == "burst.agent")
            && s.Any(x => x.Name == "burst.agent.result")
            && s.Any(x => x.Name == "burst.job.end"));
        var root = Assert.Single(spans, s => s.Name == "burst.job");
        var trace = spans.Where(s => s.TraceId == root.TraceId).ToList();
        var byId = trace.ToDictionary(s => s.SpanId);
        var controlPlane = trace.Where(s => s.Service == "burst-control-plane").ToList();
        var agent = trace.Where(s => s.Service == "burst-agent").ToList();

        // Everything about this job is in the job's one trace, from both processes, but the
        // JobService calls about it: those stay in their callers' traces and link to the job's.
        Assert.All(spans.Where(s => s.TraceId != root.TraceId), s => Assert.Contains("burst.v1.JobService", s.Name, StringComparison.Ordinal));
        Assert.Equal("", root.ParentSpanId);
        Assert.Contains(controlPlane, s => s.Name == "burst.job.schedule");
        Assert.Equal(4, agent.Count(s => s.Name == "burst.agent.trial"));
        Assert.Contains(agent, s => s.Name == "burst.agent.attach");
        Assert.Contains(agent, s => s.Name == "burst.agent.refit");
        Assert.Contains(agent, s => s.Name == "burst.agent.upload");

        // The agent's top span hangs under the control plane's provisioning of its worker ...
        var provision = Assert.Single(controlPlane, s => s.Name == "burst.worker.provision");
        var agentSpan = Assert.Single(agent, s => s.Name == "burst.agent");
        Assert.Equal(provision.SpanId, agentSpan.ParentSpanId);
        Assert.Equal(job.JobId, agentSpan.Attributes["burst.job_id"]);

        // ... every other agent span has a parent in the trace, and reaches the job's root through it ...
        Assert.All(agent, s => Assert.True(byId.ContainsKey(s.ParentSpanId), $"{s.Name}'s parent {s.ParentSpanId} is not in the trace"));
        Assert.All(agent, s => Assert.Equal(root.SpanId, RootOf(s, byId).SpanId));
        Assert.All(agent.Where(s => s.Name.StartsWith("burst.agent.", StringComparison.Ordinal) && s.Name != "burst.agent.attach"),
            s => Assert.Equal(agentSpan.SpanId, s.ParentSpanId));

        // ... and the control plane's Attach span is a child of the agent's call (the traceparent header).
        var attachServer = Assert.Single(controlPlane, s => s.Name.Contains("Attach", StringComparison.Ordinal) && s.Attributes.ContainsKey("burst.worker_id"));
        Assert.Equal("burst-agent", byId[attachServer.ParentSpanId].Service);
    }

    [Fact]
    public async Task Logs_and_metrics_of_both_services_arrive_through_the_same_exporter()
    {
        var spans = await SpansWhenAsync(fixture.Job.JobId, s => s.Any(x => x.Name == "burst.agent"));
        var traceId = Assert.Single(spans, s => s.Name == "burst.job").TraceId;

        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline
               && !(fixture.Receiver.Logs.Any(l => l.Service == "burst-agent" && l.TraceId == traceId)
                    && fixture.Receiver.Logs.Any(l => l.Service == "burst-control-plane" && l.TraceId == traceId)
                    && fixture.Receiver.Metrics.Any(m => m is ("burst-control-plane", "burst.trials"))))
        {
            await Task.Delay(200);
        }

        Assert.Contains(fixture.Receiver.Logs, l => l.Service == "burst-agent" && l.TraceId == traceId);
        Assert.Contains(fixture.Receiver.Logs, l => l.Service == "burst-control-plane" && l.TraceId == traceId);
        Assert.Contains(fixture.Receiver.Metrics, m => m is ("burst-control-plane", "burst.trials"));
        Assert.Contains(fixture.Receiver.Metrics, m => m is ("burst-control-plane", "burst.jobs"));
    }

    [Fact]
    public async Task Burst_server_serves_http_probes_and_grpc_health_per_service()
    {
        using var http = new HttpClient();
        var ready = await http.GetAsync(new Uri($"http://127.0.0.1:{fixture.HealthPort}/healthz/ready"));
        var live = await http.GetAsync(new Uri($"http://127.0.0.1:{fixture.HealthPort}/healthz/live"));
        var health = new Health.HealthClient(fixture.Server.Channel);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        foreach (var service in new[] { "", "burst.v1.JobService", "burst.v1.AgentService" })
        {
            var status = await health.CheckAsync(new HealthCheckRequest { Service = service });
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status.Status);
        }

        Assert.Contains($"health probes on http://127.0.0.1:{fixture.HealthPort}/healthz/live", fixture.Server.Log, StringComparison.Ordinal);
    }

    /// <summary>The job's spans (those carrying its id, and the rest of their trace) once <paramref name="done"/> holds.</summary>
    private async Task<List<OtlpSpan>> SpansWhenAsync(string jobId, Func<List<OtlpSpan>, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var all = fixture.Receiver.Spans;
            var traceIds = all.Where(s => s.Attributes.GetValueOrDefault("burst.job_id") == jobId).Select(s => s.TraceId).ToHashSet();
            var spans = all.Where(s => traceIds.Contains(s.TraceId)).ToList();
            if (done(spans) || DateTime.UtcNow > deadline)
            {
                return spans;
            }

            await Task.Delay(200);
        }
    }

    private static OtlpSpan RootOf(OtlpSpan span, Dictionary<string, OtlpSpan> byId)
    {
        var current = span;
        for (var hops = 0; current.ParentSpanId != "" && hops < 64; hops++)
        {
            if (!byId.TryGetValue(current.ParentSpanId, out var parent))
            {
                break;
            }

            current = parent;
        }

        return current;
    }
}
