using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;

namespace Burst.ControlPlane.Tests.Store;

public sealed class GroupCommitTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("burst-cp-group-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Two_hundred_concurrent_submits_are_all_stored_and_survive_reopening_the_store()
    {
        List<string> ids;
        using (var store = new SqliteJobStore(_dataDir))
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => store.CreateJobAsync(NewJob($"j-{i:D4}"), CancellationToken.None))));
            Assert.All(outcomes, o => Assert.Equal(CreateJobStatus.Created, o.Status));
            ids = [.. outcomes.Select(o => o.Job.JobId)];
        }

        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteJobStore(_dataDir);
        Assert.Equal(200, ids.Distinct().Count());
        foreach (var id in ids)
        {
            var job = await reopened.GetJobAsync(id, CancellationToken.None);
            Assert.Equal(1, job?.LastSequence);
            var events = await reopened.ReadEventsAsync(id, 0, 10, CancellationToken.None);
            Assert.Equal(JobState.Queued, Assert.Single(events).StateChanged.State);
        }
    }

    [Fact]
    public async Task Submits_that_queue_while_the_writer_is_busy_share_one_transaction()
    {
        using var store = new SqliteJobStore(_dataDir);
        await using var writeLock = await WriteLock.TakeAsync(store.Path);

        var first = store.CreateJobAsync(NewJob("j-first"), CancellationToken.None);
        await Until(() => store.QueuedCreates == 0);
        var rest = Enumerable.Range(0, 19).Select(i => store.CreateJobAsync(NewJob($"j-rest-{i:D2}"), CancellationToken.None)).ToList();
        await Until(() => store.QueuedCreates == 19);
        Assert.False(first.IsCompleted);

        await writeLock.DisposeAsync();
        await first.WaitAsync(TestControlPlane.Patience);
        var outcomes = await Task.WhenAll(rest).WaitAsync(TestControlPlane.Patience);

        Assert.All(outcomes, o => Assert.Equal(CreateJobStatus.Created, o.Status));
        Assert.Equal(2, store.CreateTransactions);
    }

    [Fact]
    public async Task A_failing_item_of_a_shared_transaction_fails_alone()
    {
        using (var store = new SqliteJobStore(_dataDir))
        {
            await using (var writeLock = await WriteLock.TakeAsync(store.Path))
            {
                var first = store.CreateJobAsync(NewJob("j-first"), CancellationToken.None);
                await Until(() => store.QueuedCreates == 0);
                var good = store.CreateJobAsync(NewJob("j-same", requestId: "a"), CancellationToken.None);
                var duplicate = store.CreateJobAsync(NewJob("j-same", requestId: "b"), CancellationToken.None);
                var other = store.CreateJobAsync(NewJob("j-other"), CancellationToken.None);
                await Until(() => store.QueuedCreates == 3);
                await writeLock.DisposeAsync();

                await first.WaitAsync(TestControlPlane.Patience);
                Assert.Equal(CreateJobStatus.Created, (await good).Status);
                Assert.Equal(CreateJobStatus.Created, (await other).Status);
                var error = await Assert.ThrowsAsync<SqliteException>(() => duplicate);
                Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);

                // The first job's, the shared one (undone by the duplicate), then one for each of the three.
                Assert.Equal(5, store.CreateTransactions);
            }
        }

        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteJobStore(_dataDir);
        Assert.NotNull(await reopened.GetJobAsync("j-other", CancellationToken.None));
        Assert.Equal("a", (await reopened.GetJobAsync("j-same", CancellationToken.None))?.RequestId);

        // The failed item left no request id behind: "b" is free for a new job.
        var retried = await reopened.CreateJobAsync(NewJob("j-retried", requestId: "b"), CancellationToken.None);
        Assert.Equal((CreateJobStatus.Created, "j-retried"), (retried.Status, retried.Job.JobId));
    }

    [Fact]
    public async Task A_new_job_is_answered_and_seen_only_once_its_log_is_flushed_to_disk()
    {
        using var store = new SqliteJobStore(_dataDir);
        var flush = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeWalFlush = () => flush.Task;

        var created = store.CreateJobAsync(NewJob("j-held"), CancellationToken.None);
        await Until(() => store.CreateTransactions == 1);

        // Committed, but not yet on the disk: not answered, and invisible to every read.
        using (var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.Path, Pooling = false }.ToString()))
        {
            raw.Open();
            using var count = raw.CreateCommand();
            count.CommandText = "SELECT count(*) FROM jobs WHERE job_id = 'j-held'";
            Assert.Equal(1L, count.ExecuteScalar());
        }

        Assert.False(created.IsCompleted);
        Assert.Null(await store.GetJobAsync("j-held", CancellationToken.None));
        Assert.Empty(await store.ListJobsAsync(null, null, 10, CancellationToken.None));
        Assert.Empty(await store.ListJobsInStatesAsync([JobState.Queued], 10, CancellationToken.None));
        Assert.Empty(await store.ReadEventsAsync("j-held", 0, 10, CancellationToken.None));
        Assert.Equal(0, store.WalFlushes);

        flush.SetResult();
        Assert.Equal(CreateJobStatus.Created, (await created.WaitAsync(TestControlPlane.Patience)).Status);
        Assert.Equal(1, store.WalFlushes);
        Assert.Equal("j-held", (await store.GetJobAsync("j-held", CancellationToken.None))?.JobId);
        Assert.Single(await store.ListJobsAsync(null, null, 10, CancellationToken.None));
        Assert.Single(await store.ReadEventsAsync("j-held", 0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_submits_with_one_request_id_create_one_job_and_a_different_spec_conflicts()
    {
        using var store = new SqliteJobStore(_dataDir);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => store.CreateJobAsync(NewJob($"j-same-{i:D2}", requestId: "retry-me"), CancellationToken.None))));
        var conflicts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => store.CreateJobAsync(NewJob($"j-diff-{i:D2}", requestId: "retry-me", trials: 7), CancellationToken.None))));

        var winner = Assert.Single(outcomes, o => o.Status == CreateJobStatus.Created).Job.JobId;
        Assert.Equal(39, outcomes.Count(o => o.Status == CreateJobStatus.Existing));
        Assert.All(outcomes, o => Assert.Equal(winner, o.Job.JobId));
        Assert.All(conflicts, o => Assert.Equal((CreateJobStatus.Conflict, winner), (o.Status, o.Job.JobId)));
        Assert.Single(await store.ListJobsAsync(null, null, 100, CancellationToken.None));
    }

    private static NewJob NewJob(string jobId, string? requestId = null, int trials = 5)
    {
        var spec = new JobSpec { Search = new Search { Trials = trials } };
        return new NewJob(
            new Job { JobId = jobId, State = JobState.Queued, CreateTime = Timestamp.FromDateTimeOffset(Now), Spec = spec, RequestId = requestId ?? "" },
            JobEvents.StateChanged(Now, JobState.Unspecified, JobState.Queued, "submitted"),
            requestId,
            spec);
    }

    private static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestControlPlane.Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>Another connection holding the database's write lock, as a second writer would: the store's writer waits.</summary>
    private sealed class WriteLock : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private bool _released;

        private WriteLock(SqliteConnection connection) => _connection = connection;

        public static async Task<WriteLock> TakeAsync(string path)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            await connection.OpenAsync();
            using var begin = connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
            return new WriteLock(connection);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_released)
            {
                _released = true;
                using var rollback = _connection.CreateCommand();
                rollback.CommandText = "ROLLBACK;";
                await rollback.ExecuteNonQueryAsync();
                await _connection.DisposeAsync();
            }
        }
    }
}
