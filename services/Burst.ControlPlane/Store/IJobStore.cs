using Burst.V1;

namespace Burst.ControlPlane.Store;

/// <summary>
/// The durable state of the control plane. Every write is one transaction; an event is durable when
/// <see cref="CommitAsync"/> returns, and only then may a watcher see it or an agent get its ack.
/// Issue #5 reports NOT_SERVING through <see cref="CheckAsync"/> when the store is unavailable.
/// </summary>
internal interface IJobStore
{
    /// <summary>Stores a new job and its first event, or returns the job an earlier submit with the same request id created.</summary>
    Task<CreateJobOutcome> CreateJobAsync(NewJob newJob, CancellationToken cancellationToken);

    Task<Job?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Jobs newest first (by job id, which sorts by creation time), strictly older than <paramref name="beforeJobId"/>.</summary>
    Task<IReadOnlyList<Job>> ListJobsAsync(JobState? state, string? beforeJobId, int limit, CancellationToken cancellationToken);

    /// <summary>Jobs in any of <paramref name="states"/>, oldest first.</summary>
    Task<IReadOnlyList<Job>> ListJobsInStatesAsync(IReadOnlyCollection<JobState> states, int limit, CancellationToken cancellationToken);

    /// <summary>Events of a job with a sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JobEvent>> ReadEventsAsync(string jobId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the job, appends the events with the next sequences (set on the events and on
    /// <see cref="Job.LastSequence"/>), and writes workers, trials and tokens, all in one durable transaction.
    /// Refuses events for a job that is already terminal: its terminal event stays its last.
    /// </summary>
    Task<IReadOnlyList<JobEvent>> CommitAsync(JobCommit commit, CancellationToken cancellationToken);

    Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The job's committed trial results, in the order they were committed.</summary>
    Task<IReadOnlyList<TrialResult>> GetTrialResultsAsync(string jobId, CancellationToken cancellationToken);

    Task<AgentTokenRecord?> FindAgentTokenAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>True when the store answers a query and, after a write its data dir could not take, takes one again.</summary>
    Task<bool> CheckAsync(CancellationToken cancellationToken);

    /// <summary>The W3C traceparent of the job's root span (JobTracing), or null for a job stored without one.</summary>
    Task<string?> GetTraceParentAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>How many jobs are in each state. Cheap (an index scan): metrics read it at every collection.</summary>
    IReadOnlyDictionary<JobState, long> CountJobsByState();
}

/// <summary>
/// A job to create. <paramref name="RequestSpec"/> is the spec as the client sent it, compared on a repeated
/// request id; <paramref name="TraceParent"/> is the job's trace context, kept for its later spans.
/// </summary>
internal sealed record NewJob(Job Job, JobEvent FirstEvent, string? RequestId, JobSpec RequestSpec, string? TraceParent = null);

/// <summary>What <see cref="IJobStore.CreateJobAsync"/> did.</summary>
internal sealed record CreateJobOutcome(Job Job, CreateJobStatus Status);

internal enum CreateJobStatus
{
    Created,

    /// <summary>The request id was seen before with an equal spec: <see cref="CreateJobOutcome.Job"/> is that job.</summary>
    Existing,

    /// <summary>The request id was seen before with another spec.</summary>
    Conflict,
}

/// <summary>A worker of a job as stored: its state, where it runs, the last report committed and the trials it holds.</summary>
internal sealed record WorkerRecord(string JobId, string WorkerId, WorkerState State)
{
    /// <summary>The provider's name for the machine (a PID, an instance name).</summary>
    public string Instance { get; init; } = "";

    public int? Pid { get; init; }

    /// <summary>The process's start time as the operating system records it, to tell a reused PID apart.</summary>
    public long? ProcessStart { get; init; }

    public long LastReportSequence { get; init; }

    /// <summary>Trials handed to this worker and not yet committed; they stay with it until it is lost.</summary>
    public IReadOnlyList<TrialToRun> Assigned { get; init; } = [];

    /// <summary>This worker was asked to refit the best config.</summary>
    public bool Refit { get; init; }
}

/// <summary>The hash of an agent token and what it opens.</summary>
internal sealed record AgentTokenRecord(byte[] TokenHash, string JobId, string WorkerId);

/// <summary>One transaction's worth of changes to a job.</summary>
internal sealed class JobCommit(Job job)
{
    public Job Job { get; } = job;

    public List<JobEvent> Events { get; } = [];

    /// <summary>Workers to insert or replace.</summary>
    public List<WorkerRecord> Workers { get; } = [];

    /// <summary>Trial results to insert; one already stored for the same (trial_id, rung) is kept.</summary>
    public List<TrialResult> Trials { get; } = [];

    public List<AgentTokenRecord> Tokens { get; } = [];
}
