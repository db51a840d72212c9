using System.Diagnostics;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ControlPlane.Tests.Support;
using Burst.ServiceDefaults;
using Burst.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Burst.ControlPlane.Tests.Telemetry;

public sealed class TracingTests
{
    [Fact]
    public async Task A_job_is_one_trace_from_submit_through_scheduling_and_provisioning_to_the_agents_traceparent()
    {
        var telemetry = new Support.Telemetry();
        await using var cp = await TestControlPlane.StartAsync(services: telemetry.Services);
        telemetry.Attach(cp);

        var job = await cp.SubmitAsync(TestControlPlane.SmallSpec(2));
        await cp.FinishedAsync(job.JobId);
        var stored = await StoredTraceAsync(cp, job.JobId);
        var spans = await SpansWhenAsync(telemetry, stored.TraceId, s => s.Any(x => x.DisplayName == "burst.job.end"));
        var submitCall = await ServerSpanAsync(telemetry, "SubmitJob", job.JobId);

        var root = Assert.Single(spans, s => s.DisplayName == "burst.job");
        var schedule = Assert.Single(spans, s => s.DisplayName == "burst.job.schedule");
        var provision = Assert.Single(spans, s => s.DisplayName == "burst.worker.provision");
        var end = Assert.Single(spans, s => s.DisplayName == "burst.job.end");
        Assert.Equal(default, root.ParentSpanId);
        Assert.Equal(stored.SpanId, root.SpanId);
        Assert.Equal(root.SpanId, schedule.ParentSpanId);
        Assert.Equal(schedule.SpanId, provision.ParentSpanId);
        Assert.Equal(root.SpanId, end.ParentSpanId);
        Assert.Equal("w-1", provision.GetTagItem(TelemetryTags.WorkerId));
        Assert.Equal("succeeded", end.GetTagItem(TelemetryTags.JobState));
        Assert.All(spans.Where(s => s.Source.Name == ControlPlaneTelemetry.SourceName), s => Assert.Equal(job.JobId, s.GetTagItem(TelemetryTags.JobId)));

        // The agent is handed the provisioning span: its own spans continue the job's trace.
        Assert.Equal(TraceParents.Format(provision.Context), cp.Provider.Launch(job.JobId, "w-1").TraceParent);

        // The SubmitJob call stays in its caller's trace; it and the job's root point at each other.
        Assert.NotEqual(root.TraceId, submitCall.TraceId);
        Assert.Contains(submitCall.Links, l => l.Context.SpanId == root.SpanId && l.Context.TraceId == root.TraceId);
        Assert.Contains(root.Links, l => l.Context.SpanId == submitCall.SpanId);
    }

    [Fact]
    public async Task A_watch_call_links_to_the_jobs_trace()
    {
        var telemetry = new Support.Telemetry();
        await using var cp = await TestControlPlane.StartAsync(services: telemetry.Services);
        telemetry.Attach(cp);
        var job = await cp.SubmitAsync(TestControlPlane.SmallSpec(2));
        await cp.FinishedAsync(job.JobId);
        var stored = await StoredTraceAsync(cp, job.JobId);

        await cp.WatchAsync(job.JobId);
        var watchCall = await ServerSpanAsync(telemetry, "WatchJob", job.JobId);

        Assert.Contains(watchCall.Links, l => l.Context.TraceId == stored.TraceId && l.Context.SpanId == stored.SpanId);
    }

    [Fact]
    public async Task After_a_restart_a_replacement_worker_is_provisioned_in_the_jobs_stored_trace()
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-cp-trace-restart-").FullName;
        try
        {
            // The first worker never attaches; after the restart its process is gone, so it is replaced.
            var provider = new FakeWorkerProvider { Behavior = _ => null, AdoptAnswer = ControlPlane.Providers.WorkerLiveness.Gone };
            var before = await TestControlPlane.StartAsync(provider, dataDir: dataDir);
            var job = await before.SubmitAsync(TestControlPlane.SmallSpec(2));
            await before.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Provisioning);
            var stored = await StoredTraceAsync(before, job.JobId);
            await before.StopAsync();

            var telemetry = new Support.Telemetry();
            provider.Behavior = _ => new FakeAgentBehavior();
            await using var after = await TestControlPlane.StartAsync(provider, dataDir: dataDir, services: telemetry.Services);
            telemetry.Attach(after);
            provider.Url = () => after.Address.ToString();
            var finished = await after.FinishedAsync(job.JobId);
            var spans = await SpansWhenAsync(telemetry, stored.TraceId, s => s.Any(x => x.DisplayName == "burst.job.end"));

            var replacement = Assert.Single(spans, s => s.DisplayName == "burst.worker.provision");
            Assert.Equal(JobState.Succeeded, finished.State);
            Assert.Equal("w-2", replacement.GetTagItem(TelemetryTags.WorkerId));
            Assert.Equal(stored.SpanId, replacement.ParentSpanId);
            Assert.Equal(stored.TraceId, TraceParents.Parse(provider.Launch(job.JobId, "w-2").TraceParent).TraceId);
            Assert.Equal(stored.TraceId, TraceParents.Parse(provider.Launch(job.JobId, "w-1").TraceParent).TraceId);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public void A_job_stored_without_a_trace_gets_one_derived_from_its_id()
    {
        var first = JobTracing.ContextOf("j-old", null);
        var again = JobTracing.ContextOf("j-old", "");
        var other = JobTracing.ContextOf("j-other", null);
        var stored = JobTracing.ContextOf("j-new", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        Assert.Equal(first, again);
        Assert.NotEqual(first.TraceId, other.TraceId);
        Assert.True(first.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", stored.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", stored.SpanId.ToHexString());
    }

    private static async Task<ActivityContext> StoredTraceAsync(TestControlPlane cp, string jobId)
    {
        var traceParent = await cp.Services.GetRequiredService<IJobStore>().GetTraceParentAsync(jobId, CancellationToken.None);
        var context = TraceParents.Parse(traceParent);
        Assert.NotEqual(default, context);
        return context;
    }

    /// <summary>Spans end (and are exported) a moment after the calls that made them return.</summary>
    private static async Task<List<Activity>> SpansWhenAsync(Support.Telemetry telemetry, ActivityTraceId traceId, Func<List<Activity>, bool> condition)
    {
        using var patience = new CancellationTokenSource(TestControlPlane.Patience);
        while (true)
        {
            var spans = telemetry.Spans(traceId);
            if (condition(spans))
            {
                return spans;
            }

            await Task.Delay(50, patience.Token);
        }
    }

    /// <summary>The ASP.NET Core span of a JobService call about <paramref name="jobId"/>.</summary>
    private static async Task<Activity> ServerSpanAsync(Support.Telemetry telemetry, string method, string jobId)
    {
        using var patience = new CancellationTokenSource(TestControlPlane.Patience);
        while (true)
        {
            var call = telemetry.AllSpans().FirstOrDefault(s =>
                s.Kind == ActivityKind.Server
                && s.DisplayName.Contains(method, StringComparison.Ordinal)
                && Equals(s.GetTagItem(TelemetryTags.JobId), jobId));
            if (call is not null)
            {
                return call;
            }

            await Task.Delay(50, patience.Token);
        }
    }
}
