using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Tests.Support;
using Burst.ControlPlane.Watch;
using Burst.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class WatchFanOutTests
{
    [Fact]
    public async Task A_hundred_watch_calls_on_one_job_cost_one_store_read_per_commit_and_all_see_the_same_gapless_stream()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var cp = await TestControlPlane.StartAsync(
            new FakeWorkerProvider { Behavior = _ => null },
            time: new FakeTimeProvider(now),
            configure: o => o.MaxConcurrentJobs = 1,
            services: s =>
            {
                s.RemoveAll<IJobStore>();
                s.AddSingleton<IJobStore>(sp => new CountingJobStore(new SqliteJobStore(sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.DataDir)));
            });
        var store = (CountingJobStore)cp.Services.GetRequiredService<IJobStore>();
        var hub = cp.Services.GetRequiredService<JobEventHub>();

        // The first job takes the only slot and never attaches (the clock stands still): the watched one stays QUEUED, untouched by the scheduler.
        var busy = await cp.SubmitAsync();
        await cp.WaitForStateAsync(busy.JobId, JobState.Provisioning);
        var job = await cp.SubmitAsync();

        using var timeout = new CancellationTokenSource(TestControlPlane.Patience);
        var calls = Enumerable.Range(0, 100)
            .Select(_ => cp.Jobs.WatchJob(new WatchJobRequest { JobId = job.JobId }, cancellationToken: timeout.Token))
            .ToList();
        var firsts = new List<JobEvent>();
        foreach (var call in calls)
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
            firsts.Add(call.ResponseStream.Current);
        }

        var readsBefore = store.EventReads;
        var commitsBefore = store.Commits;
        for (var i = 0; i < 10; i++)
        {
            var commit = new JobCommit(job);
            commit.Events.Add(JobEvents.Log(now, new LogLine { Message = $"line {i}" }));
            await store.CommitAsync(commit, CancellationToken.None);
            hub.Notify(job.JobId);
        }

        job.State = JobState.Cancelled;
        var last = new JobCommit(job);
        last.Events.Add(JobEvents.StateChanged(now, JobState.Queued, JobState.Cancelled, "test"));
        await store.CommitAsync(last, CancellationToken.None);
        hub.Notify(job.JobId);
        var streams = await Task.WhenAll(calls.Select(async call =>
        {
            var events = new List<JobEvent> { call.ResponseStream.Current };
            await foreach (var e in call.ResponseStream.ReadAllAsync(timeout.Token))
            {
                events.Add(e);
            }

            return events;
        }));

        var commits = store.Commits - commitsBefore;
        Assert.Equal(11, commits);
        Assert.InRange(store.EventReads - readsBefore, 1, commits);
        Assert.All(firsts, e => Assert.Equal(1, e.Sequence));
        Assert.All(streams, events => Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), events.Select(e => e.Sequence)));
        Assert.All(streams, events => Assert.Equal(JobState.Cancelled, events[^1].StateChanged.State));
        calls.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Long_watches_get_http2_keepalive_pings_on_the_configured_schedule()
    {
        await using var cp = await TestControlPlane.StartAsync(configure: o =>
        {
            o.KeepAlivePingDelay = TimeSpan.FromSeconds(15);
            o.KeepAlivePingTimeout = TimeSpan.FromSeconds(5);
        });
        await using var defaults = await TestControlPlane.StartAsync();

        var limits = cp.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;
        var defaultLimits = defaults.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;

        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5)), (limits.KeepAlivePingDelay, limits.KeepAlivePingTimeout));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20)), (defaultLimits.KeepAlivePingDelay, defaultLimits.KeepAlivePingTimeout));
    }
}
