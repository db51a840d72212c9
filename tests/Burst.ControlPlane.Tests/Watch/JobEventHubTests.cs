using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Tests.Support;
using Burst.ControlPlane.Watch;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Tests.Watch;

public sealed class JobEventHubTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("burst-cp-hub-").FullName;
    private readonly CountingJobStore _store;

    public JobEventHubTests() => _store = new CountingJobStore(new SqliteJobStore(_dataDir));

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public async Task A_commit_costs_at_most_one_store_read_however_many_watch_the_job(int watchers)
    {
        var hub = Hub(bufferEvents: 1024);
        var job = await CreateJobAsync();
        var subscriptions = Enumerable.Range(0, watchers).Select(_ => hub.Subscribe(job.JobId)).ToList();
        var caughtUp = new List<Task>();
        var follows = subscriptions.Select(s =>
        {
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            caughtUp.Add(first.Task);
            return FollowAsync(s, 0, onFirst: first);
        }).ToList();
        await Task.WhenAll(caughtUp).WaitAsync(TestControlPlane.Patience);
        var readsBefore = _store.Reads;
        var commitsBefore = _store.Commits;

        const int Lines = 20;
        for (var i = 0; i < Lines; i++)
        {
            await CommitAsync(job, JobEvents.Log(Now, new LogLine { Message = $"line {i}" }));
            hub.Notify(job.JobId);
        }

        await FinishAsync(job);
        hub.Notify(job.JobId);
        var seen = await Task.WhenAll(follows).WaitAsync(TestControlPlane.Patience);

        var commits = _store.Commits - commitsBefore;
        Assert.Equal(Lines + 1, commits);
        Assert.InRange(_store.Reads - readsBefore, 1, commits);
        Assert.All(seen, events => Assert.Equal(Enumerable.Range(1, Lines + 2).Select(i => (long)i), events.Select(e => e.Sequence)));
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_watcher_behind_a_tiny_buffer_reads_the_store_and_still_sees_every_event_once_in_order()
    {
        var hub = Hub(bufferEvents: 4);
        var job = await CreateJobAsync();
        using var slow = hub.Subscribe(job.JobId);
        using var fast = hub.Subscribe(job.JobId);
        var first = await slow.NextAsync(0, 256, CancellationToken.None);
        Assert.Equal([1L], first.Select(e => e.Sequence));

        // The fast watcher follows every commit; the slow one reads nothing until all 40 are in.
        var fastSeen = FollowAsync(fast, 0);
        for (var i = 0; i < 40; i++)
        {
            await CommitAsync(job, JobEvents.Log(Now, new LogLine { Message = $"line {i}" }));
            hub.Notify(job.JobId);
        }

        await FinishAsync(job);
        hub.Notify(job.JobId);
        var fastEvents = await fastSeen.WaitAsync(TestControlPlane.Patience);
        var readsBefore = _store.EventReads;

        var slowEvents = new List<JobEvent>(first);
        while (slowEvents[^1].StateChanged?.State != JobState.Cancelled)
        {
            // Small batches, so the slow watcher goes back to the buffer once it has caught up with it.
            slowEvents.AddRange(await slow.NextAsync(slowEvents[^1].Sequence, 8, CancellationToken.None).WaitAsync(TestControlPlane.Patience));
        }

        var expected = Enumerable.Range(1, 42).Select(i => (long)i).ToList();
        Assert.Equal(expected, slowEvents.Select(e => e.Sequence));
        Assert.Equal(expected, fastEvents.Select(e => e.Sequence));
        Assert.InRange(_store.EventReads - readsBefore, 1, 42 / 8);
        Assert.Empty(await slow.NextAsync(42, 8, CancellationToken.None));
    }

    [Fact]
    public async Task A_watcher_that_starts_at_the_end_of_a_live_job_gets_the_next_commit_and_stops_after_the_terminal_event()
    {
        var hub = Hub(bufferEvents: 16);
        var job = await CreateJobAsync();
        using var watch = hub.Subscribe(job.JobId);
        var next = watch.NextAsync(1, 256, CancellationToken.None);

        await CommitAsync(job, JobEvents.Log(Now, new LogLine { Message = "after the start" }));
        hub.Notify(job.JobId);
        var events = await next.WaitAsync(TestControlPlane.Patience);
        await FinishAsync(job);
        hub.Notify(job.JobId);
        var last = await watch.NextAsync(2, 256, CancellationToken.None).WaitAsync(TestControlPlane.Patience);

        Assert.Equal([2L], events.Select(e => e.Sequence));
        Assert.Equal([3L], last.Select(e => e.Sequence));
        Assert.Equal(JobState.Cancelled, last[0].StateChanged.State);
        Assert.Empty(await watch.NextAsync(3, 256, CancellationToken.None));
    }

    [Fact]
    public async Task Events_committed_without_a_notify_reach_the_watchers_with_the_next_commits_read()
    {
        var hub = Hub(bufferEvents: 16);
        var job = await CreateJobAsync();
        using var watch = hub.Subscribe(job.JobId);
        Assert.Single(await watch.NextAsync(0, 256, CancellationToken.None));

        // Another writer of the same file (a second store instance) notifies no one.
        using (var other = new SqliteJobStore(_dataDir))
        {
            var stored = await other.GetJobAsync(job.JobId, CancellationToken.None);
            var commit = new JobCommit(stored!);
            commit.Events.Add(JobEvents.Log(Now, new LogLine { Message = "quiet" }));
            await other.CommitAsync(commit, CancellationToken.None);
        }

        job = (await _store.GetJobAsync(job.JobId, CancellationToken.None))!;
        await CommitAsync(job, JobEvents.Log(Now, new LogLine { Message = "loud" }));
        hub.Notify(job.JobId);
        var events = await watch.NextAsync(1, 256, CancellationToken.None).WaitAsync(TestControlPlane.Patience);

        Assert.Equal(["quiet", "loud"], events.Select(e => e.Log.Message));
    }

    private JobEventHub Hub(int bufferEvents) =>
        new(_store, Options.Create(new ControlPlaneOptions { WatchBufferEvents = bufferEvents }), NullLogger<JobEventHub>.Instance);

    private async Task<Job> CreateJobAsync()
    {
        var job = new Job { JobId = "j-" + Guid.NewGuid().ToString("N")[..16], State = JobState.Queued, CreateTime = Timestamp.FromDateTimeOffset(Now) };
        var outcome = await _store.CreateJobAsync(
            new NewJob(job, JobEvents.StateChanged(Now, JobState.Unspecified, JobState.Queued, "submitted"), null, new JobSpec()),
            CancellationToken.None);
        return outcome.Job;
    }

    private async Task CommitAsync(Job job, JobEvent e)
    {
        var commit = new JobCommit(job);
        commit.Events.Add(e);
        await _store.CommitAsync(commit, CancellationToken.None);
    }

    private Task FinishAsync(Job job)
    {
        job.State = JobState.Cancelled;
        return CommitAsync(job, JobEvents.StateChanged(Now, JobState.Queued, JobState.Cancelled, "cancelled by request"));
    }

    /// <summary>What a WatchJob call sends: everything after <paramref name="after"/> to the terminal event.</summary>
    private static async Task<List<JobEvent>> FollowAsync(JobEventHub.Subscription subscription, long after, TaskCompletionSource? onFirst = null)
    {
        var seen = new List<JobEvent>();
        while (true)
        {
            var events = await subscription.NextAsync(after, 256, CancellationToken.None);
            if (events.Count == 0)
            {
                return seen;
            }

            seen.AddRange(events);
            onFirst?.TrySetResult();
            after = events[^1].Sequence;
            if (events[^1].StateChanged?.State is JobState.Cancelled)
            {
                return seen;
            }
        }
    }
}
