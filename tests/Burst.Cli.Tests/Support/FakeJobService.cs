using System.Collections.Concurrent;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Burst.Cli.Tests.Support;

/// <summary>How one WatchJob call goes wrong after sending <see cref="AfterEvents"/> events and holding the stream open for <see cref="Hold"/>.</summary>
internal sealed record StreamBreak(int AfterEvents, BreakKind Kind, TimeSpan Hold = default);

public enum BreakKind
{
    /// <summary>The HTTP/2 stream is reset, as when the server process dies.</summary>
    Abort,

    /// <summary>The call completes OK before the terminal event, as a server shutting down gracefully.</summary>
    End,

    /// <summary>The call fails with UNAVAILABLE.</summary>
    Unavailable,
}

/// <summary>
/// A JobService with scripted jobs: it records every request, serves each job's events by sequence, and
/// breaks watch streams as told, so the CLI's behaviour can be checked without a control plane.
/// </summary>
internal sealed class FakeJobService : JobService.JobServiceBase
{
    private readonly ConcurrentDictionary<string, (Job Job, List<JobEvent> Events)> _jobs = new();
    private int _submits;

    public ConcurrentQueue<SubmitJobRequest> Submitted { get; } = new();
    public ConcurrentQueue<WatchJobRequest> Watches { get; } = new();
    public ConcurrentQueue<ListJobsRequest> Lists { get; } = new();
    public ConcurrentQueue<CancelJobRequest> Cancels { get; } = new();

    /// <summary>Dequeued by each WatchJob call in turn; an empty queue means the call goes well.</summary>
    public ConcurrentQueue<StreamBreak> Breaks { get; } = new();

    /// <summary>When set, every WatchJob call fails with it (after Breaks are used up).</summary>
    public StatusCode? AlwaysFailWatch { get; set; }

    public RpcException? SubmitFailure { get; set; }

    /// <summary>The events a submitted job gets; default: none (the job stays QUEUED).</summary>
    public Func<string, IReadOnlyList<JobEvent>> EventsForSubmitted { get; set; } = _ => [];

    /// <summary>Jobs per ListJobs page; the token is the index of the next job.</summary>
    public int ListPageSize { get; set; } = 100;

    /// <summary>Completes when a watch has sent everything and waits on a job that is not over.</summary>
    public TaskCompletionSource WatchIsWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Job AddJob(Job job, IEnumerable<JobEvent> events)
    {
        var list = events.Select(e => { var c = e.Clone(); c.JobId = job.JobId; return c; }).ToList();
        var stored = job.Clone();
        stored.LastSequence = list.Count == 0 ? 0 : list.Max(e => e.Sequence);
        var lastState = list.LastOrDefault(e => e.KindCase == JobEvent.KindOneofCase.StateChanged)?.StateChanged.State;
        if (lastState is { } state)
        {
            stored.State = state;
        }

        if (list.LastOrDefault(e => e.KindCase == JobEvent.KindOneofCase.Progress) is { } progress)
        {
            stored.Progress = progress.Progress.Clone();
        }

        if (list.LastOrDefault(e => e.KindCase == JobEvent.KindOneofCase.Result) is { } result)
        {
            stored.Result = result.Result.Clone();
        }

        if (list.LastOrDefault(e => e.StateChanged?.Error is not null) is { } failed)
        {
            stored.Error = failed.StateChanged.Error.Clone();
        }

        _jobs[job.JobId] = (stored, list);
        return stored.Clone();
    }

    public override Task<Job> SubmitJob(SubmitJobRequest request, ServerCallContext context)
    {
        Submitted.Enqueue(request.Clone());
        if (SubmitFailure is not null)
        {
            throw SubmitFailure;
        }

        var id = $"job-{Interlocked.Increment(ref _submits)}";
        var job = new Job
        {
            JobId = id,
            Spec = request.Spec ?? new JobSpec(),
            State = JobState.Queued,
            RequestId = request.RequestId,
            CreateTime = Timestamp.FromDateTime(DateTime.UtcNow),
        };
        return Task.FromResult(AddJob(job, EventsForSubmitted(id)));
    }

    public override Task<Job> GetJob(GetJobRequest request, ServerCallContext context) =>
        Task.FromResult(Find(request.JobId).Job.Clone());

    public override Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        Lists.Enqueue(request.Clone());
        var all = _jobs.Values
            .Select(j => j.Job)
            .Where(j => request.State == JobState.Unspecified || j.State == request.State)
            .OrderBy(j => j.JobId, StringComparer.Ordinal)
            .ToList();
        var start = string.IsNullOrEmpty(request.PageToken) ? 0 : int.Parse(request.PageToken, System.Globalization.CultureInfo.InvariantCulture);
        var page = all.Skip(start).Take(ListPageSize).ToList();
        var response = new ListJobsResponse();
        response.Jobs.AddRange(page.Select(j => j.Clone()));
        if (start + page.Count < all.Count)
        {
            response.NextPageToken = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Task.FromResult(response);
    }

    public override Task<Job> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        Cancels.Enqueue(request.Clone());
        var job = Find(request.JobId).Job;
        if (job.State is not (JobState.Succeeded or JobState.Failed or JobState.Cancelled))
        {
            job.State = JobState.Cancelling;
        }

        return Task.FromResult(job.Clone());
    }

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        Watches.Enqueue(request.Clone());
        var (job, events) = Find(request.JobId);
        Breaks.TryDequeue(out var streamBreak);
        if (streamBreak is null && AlwaysFailWatch is { } code)
        {
            throw new RpcException(new Status(code, "the fake is told to fail"));
        }

        var sent = 0;
        foreach (var jobEvent in events.Where(e => e.Sequence > request.AfterSequence))
        {
            if (streamBreak is not null && sent == streamBreak.AfterEvents)
            {
                await BreakAsync(streamBreak, context);
                return;
            }

            await responseStream.WriteAsync(jobEvent, context.CancellationToken);
            sent++;
        }

        if (streamBreak is not null)
        {
            await BreakAsync(streamBreak, context);
            return;
        }

        if (job.State is not (JobState.Succeeded or JobState.Failed or JobState.Cancelled))
        {
            WatchIsWaiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }

    private static async Task BreakAsync(StreamBreak streamBreak, ServerCallContext context)
    {
        if (streamBreak.Hold > TimeSpan.Zero)
        {
            await Task.Delay(streamBreak.Hold, context.CancellationToken);
        }

        switch (streamBreak.Kind)
        {
            case BreakKind.Abort:
                context.GetHttpContext().Abort();
                break;
            case BreakKind.Unavailable:
                throw new RpcException(new Status(StatusCode.Unavailable, "the fake dropped the stream"));
            case BreakKind.End:
                break;
        }
    }

    private (Job Job, List<JobEvent> Events) Find(string jobId) =>
        _jobs.TryGetValue(jobId, out var found)
            ? found
            : throw new RpcException(new Status(StatusCode.NotFound, $"job {jobId} not found"));
}
