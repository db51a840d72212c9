using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Data.Sqlite;

namespace Burst.ControlPlane.Tests.Support;

/// <summary>A real store that a test can make unavailable: then it fails every call as a broken SQLite file would.</summary>
internal sealed class SwitchableJobStore(IJobStore inner) : IJobStore, IDisposable
{
    public volatile bool Available = true;

    public Task<CreateJobOutcome> CreateJobAsync(NewJob newJob, CancellationToken cancellationToken) => Guard(() => inner.CreateJobAsync(newJob, cancellationToken));

    public Task<Job?> GetJobAsync(string jobId, CancellationToken cancellationToken) => Guard(() => inner.GetJobAsync(jobId, cancellationToken));

    public Task<IReadOnlyList<Job>> ListJobsAsync(JobState? state, string? beforeJobId, int limit, CancellationToken cancellationToken) =>
        Guard(() => inner.ListJobsAsync(state, beforeJobId, limit, cancellationToken));

    public Task<IReadOnlyList<Job>> ListJobsInStatesAsync(IReadOnlyCollection<JobState> states, int limit, CancellationToken cancellationToken) =>
        Guard(() => inner.ListJobsInStatesAsync(states, limit, cancellationToken));

    public Task<IReadOnlyList<JobEvent>> ReadEventsAsync(string jobId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        Guard(() => inner.ReadEventsAsync(jobId, afterSequence, limit, cancellationToken));

    public Task<IReadOnlyList<JobEvent>> CommitAsync(JobCommit commit, CancellationToken cancellationToken) => Guard(() => inner.CommitAsync(commit, cancellationToken));

    public Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(string jobId, CancellationToken cancellationToken) => Guard(() => inner.GetWorkersAsync(jobId, cancellationToken));

    public Task<IReadOnlyList<TrialResult>> GetTrialResultsAsync(string jobId, CancellationToken cancellationToken) => Guard(() => inner.GetTrialResultsAsync(jobId, cancellationToken));

    public Task<AgentTokenRecord?> FindAgentTokenAsync(byte[] tokenHash, CancellationToken cancellationToken) => Guard(() => inner.FindAgentTokenAsync(tokenHash, cancellationToken));

    public Task<bool> CheckAsync(CancellationToken cancellationToken) => Available ? inner.CheckAsync(cancellationToken) : Task.FromResult(false);

    public Task<string?> GetTraceParentAsync(string jobId, CancellationToken cancellationToken) => Guard(() => inner.GetTraceParentAsync(jobId, cancellationToken));

    public IReadOnlyDictionary<JobState, long> CountJobsByState() => Available ? inner.CountJobsByState() : throw Broken();

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private Task<T> Guard<T>(Func<Task<T>> call) => Available ? call() : Task.FromException<T>(Broken());

    private static SqliteException Broken() => new("disk I/O error", 10);
}
