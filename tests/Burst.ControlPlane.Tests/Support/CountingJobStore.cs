using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Support;

/// <summary>A store that counts the calls that reach it, so a test can tell how many reads a feature costs.</summary>
internal sealed class CountingJobStore(IJobStore inner) : IJobStore, IDisposable
{
    private int _eventReads;
    private int _jobReads;
    private int _commits;

    public int EventReads => Volatile.Read(ref _eventReads);

    public int JobReads => Volatile.Read(ref _jobReads);

    public int Commits => Volatile.Read(ref _commits);

    /// <summary>Every read of a job or its events.</summary>
    public int Reads => EventReads + JobReads;

    public Task<CreateJobOutcome> CreateJobAsync(NewJob newJob, CancellationToken cancellationToken) => inner.CreateJobAsync(newJob, cancellationToken);

    public Task<Job?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _jobReads);
        return inner.GetJobAsync(jobId, cancellationToken);
    }

    public Task<IReadOnlyList<Job>> ListJobsAsync(JobState? state, string? beforeJobId, int limit, CancellationToken cancellationToken) =>
        inner.ListJobsAsync(state, beforeJobId, limit, cancellationToken);

    public Task<IReadOnlyList<Job>> ListJobsInStatesAsync(IReadOnlyCollection<JobState> states, int limit, CancellationToken cancellationToken) =>
        inner.ListJobsInStatesAsync(states, limit, cancellationToken);

    public Task<IReadOnlyList<JobEvent>> ReadEventsAsync(string jobId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _eventReads);
        return inner.ReadEventsAsync(jobId, afterSequence, limit, cancellationToken);
    }

    public Task<IReadOnlyList<JobEvent>> CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _commits);
        return inner.CommitAsync(commit, cancellationToken);
    }

    public Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(string jobId, CancellationToken cancellationToken) => inner.GetWorkersAsync(jobId, cancellationToken);

    public Task<IReadOnlyList<TrialResult>> GetTrialResultsAsync(string jobId, CancellationToken cancellationToken) => inner.GetTrialResultsAsync(jobId, cancellationToken);

    public Task<AgentTokenRecord?> FindAgentTokenAsync(byte[] tokenHash, CancellationToken cancellationToken) => inner.FindAgentTokenAsync(tokenHash, cancellationToken);

    public Task<bool> CheckAsync(CancellationToken cancellationToken) => inner.CheckAsync(cancellationToken);

    public Task<string?> GetTraceParentAsync(string jobId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _jobReads);
        return inner.GetTraceParentAsync(jobId, cancellationToken);
    }

    public IReadOnlyDictionary<JobState, long> CountJobsByState() => inner.CountJobsByState();

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
