using Burst.ControlPlane.Store;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;

namespace Burst.ControlPlane.Tests.Store;

public sealed class JobStoreRulesTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("burst-cp-rules-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Trial_results_come_back_in_the_order_they_were_committed()
    {
        using var store = new SqliteJobStore(_dataDir);
        var job = await CreateAsync(store, JobState.Running);
        foreach (var (trial, rung) in new[] { (5, 0), (1, 0), (3, 1), (0, 0) })
        {
            var commit = new JobCommit(job);
            commit.Trials.Add(new TrialResult { TrialId = trial, Rung = rung, MeanScore = 0.5 });
            await store.CommitAsync(commit, CancellationToken.None);
        }

        var results = await store.GetTrialResultsAsync(job.JobId, CancellationToken.None);

        Assert.Equal([(5, 0), (1, 0), (3, 1), (0, 0)], results.Select(r => (r.TrialId, r.Rung)));
    }

    [Fact]
    public async Task A_commit_that_moves_the_job_against_the_transition_table_is_refused()
    {
        using var store = new SqliteJobStore(_dataDir);
        var job = await CreateAsync(store, JobState.Queued);
        var running = job.Clone();
        running.State = JobState.Running;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(new JobCommit(running), CancellationToken.None));

        Assert.Contains($"cannot go from {JobState.Queued} to {JobState.Running}", error.Message, StringComparison.Ordinal);
        Assert.Equal(JobState.Queued, (await store.GetJobAsync(job.JobId, CancellationToken.None))!.State);
    }

    private static async Task<Job> CreateAsync(SqliteJobStore store, JobState state)
    {
        var job = new Job { JobId = $"j-{state.ToString().ToLowerInvariant()}", State = state, CreateTime = Timestamp.FromDateTime(DateTime.UtcNow) };
        var created = await store.CreateJobAsync(
            new NewJob(job, new JobEvent { StateChanged = new StateChanged { State = state } }, null, new JobSpec()),
            CancellationToken.None);
        return created.Job;
    }
}
