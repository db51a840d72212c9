using Burst.ControlPlane.Lifecycle;
using System.Text;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ControlPlane.Watch;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Status = Grpc.Core.Status;

namespace Burst.ControlPlane.Jobs;

/// <summary>The public API: burst.v1.JobService.</summary>
internal sealed class JobGrpcService(
    IJobStore store,
    JobCoordinator coordinator,
    JobEventHub hub,
    JobQueueSignal queue,
    JobIds ids,
    WorkerProviders providers,
    ControlPlaneMetrics metrics,
    IOptions<ControlPlaneOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<JobGrpcService> logger) : V1.JobService.JobServiceBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;
    private const int WatchBatch = 256;

    public override async Task<Job> SubmitJob(SubmitJobRequest request, ServerCallContext context)
    {
        var violations = JobSpecRules.Check(request, SpecLimitsCache.Of(options.Value));
        if (violations.Count > 0)
        {
            throw InvalidArgument("invalid job spec", violations);
        }

        var providerName = string.IsNullOrEmpty(request.Spec?.Resources?.Provider) ? JobSpecRules.LocalProvider : request.Spec.Resources.Provider;
        if (providers.Find(providerName) is not { } provider)
        {
            var howTo = providerName == JobSpecRules.GceProvider
                ? " (set GOOGLE_CLOUD_PROJECT or Burst:Gce:Project where the control plane runs, with Google credentials; README, \"Run it on Google Cloud\")"
                : "";
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                $"spec.resources.provider: the {providerName} provider is not configured on this control plane{howTo}; configured: {string.Join(", ", providers.Names)}."));
        }

        var jobId = ids.Next();
        var raw = request.Spec?.Clone() ?? new JobSpec();
        provider.FillDefaults(raw, jobId);
        violations = [.. provider.CheckSpec(raw)];
        if (violations.Count > 0)
        {
            throw InvalidArgument("invalid job spec", violations);
        }

        var spec = JobSpecRules.WithDefaults(raw, jobId, options.Value.DataDir);
        violations = JobSpecRules.CheckPlan(spec);
        if (violations.Count > 0)
        {
            throw InvalidArgument("invalid job spec", violations);
        }

        if (await ContinueFromRules.CheckAsync(store, spec, context.CancellationToken) is var (field, refusal))
        {
            throw ContinueFromRules.Refusal(field, refusal);
        }

        // The job's trace starts here; its context is stored with the job for every later span.
        var call = System.Diagnostics.Activity.Current;
        using var trace = JobTracing.StartJob(jobId, providerName);
        var now = time.GetUtcNow();
        var job = new Job
        {
            JobId = jobId,
            Spec = spec,
            State = JobState.Queued,
            CreateTime = Timestamp.FromDateTimeOffset(now),
            RequestId = request.RequestId,
        };
        var outcome = await store.CreateJobAsync(
            new NewJob(
                job,
                JobEvents.StateChanged(now, JobState.Unspecified, JobState.Queued, "submitted"),
                request.RequestId,
                request.Spec ?? new JobSpec(),
                JobTracing.TraceParentOf(trace)),
            context.CancellationToken);
        call?.SetTag(TelemetryTags.JobId, outcome.Job.JobId);
        switch (outcome.Status)
        {
            case CreateJobStatus.Conflict:
                trace.Span?.SetTag(TelemetryTags.Reason, "request_id conflict");
                throw new RpcException(new Status(
                    StatusCode.AlreadyExists,
                    $"request_id '{request.RequestId}' was already used for job {outcome.Job.JobId} with another spec."));
            case CreateJobStatus.Created:
                hub.Notify(jobId);
                queue.Notify();
                logger.JobSubmitted(jobId, spec.Search.Strategy, spec.Search.Trials, spec.Resources.Provider);
                break;
            case CreateJobStatus.Existing:
                // A retried submit: this span is not the job's trace; point it at the one that is.
                trace.Span?.SetTag(TelemetryTags.JobId, outcome.Job.JobId);
                trace.Span?.SetTag(TelemetryTags.Reason, "request_id repeats an earlier submit");
                trace.Span?.AddLink(new System.Diagnostics.ActivityLink(
                    JobTracing.ContextOf(outcome.Job.JobId, await store.GetTraceParentAsync(outcome.Job.JobId, context.CancellationToken))));
                break;
        }

        return outcome.Job;
    }

    public override async Task<Job> GetJob(GetJobRequest request, ServerCallContext context)
    {
        RequireJobId(request.JobId);
        JobTracing.TagCall(request.JobId);
        return await store.GetJobAsync(request.JobId, context.CancellationToken) ?? throw NotFound(request.JobId);
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var violations = new List<BadRequest.Types.FieldViolation>();
        if (request.PageSize < 0)
        {
            violations.Add(Violation("page_size", $"must not be negative, got {request.PageSize}."));
        }

        if (!System.Enum.IsDefined(request.State))
        {
            violations.Add(Violation("state", $"unknown job state {(int)request.State}."));
        }

        string? after = null;
        if (request.PageToken.Length > 0 && !PageTokens.TryDecode(request.PageToken, out after))
        {
            violations.Add(Violation("page_token", "is not a page token from a previous ListJobs call."));
        }

        if (violations.Count > 0)
        {
            throw InvalidArgument("invalid ListJobs request", violations);
        }

        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var state = request.State == JobState.Unspecified ? (JobState?)null : request.State;
        var jobs = await store.ListJobsAsync(state, after, pageSize + 1, context.CancellationToken);
        var response = new ListJobsResponse();
        response.Jobs.AddRange(jobs.Take(pageSize));
        if (jobs.Count > pageSize)
        {
            response.NextPageToken = PageTokens.Encode(response.Jobs[^1].JobId);
        }

        return response;
    }

    public override async Task<Job> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        RequireJobId(request.JobId);
        JobTracing.TagCall(request.JobId);
        return await coordinator.CancelAsync(request.JobId, request.Reason, context.CancellationToken) ?? throw NotFound(request.JobId);
    }

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        RequireJobId(request.JobId);
        if (request.AfterSequence < 0)
        {
            throw InvalidArgument("invalid WatchJob request", [Violation("after_sequence", $"must not be negative, got {request.AfterSequence}.")]);
        }

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellationToken = watching.Token;
        using var subscription = hub.Subscribe(request.JobId);
        var job = await store.GetJobAsync(request.JobId, cancellationToken) ?? throw NotFound(request.JobId);
        JobTracing.TagCall(request.JobId);
        JobTracing.LinkCall(JobTracing.ContextOf(job.JobId, await store.GetTraceParentAsync(job.JobId, cancellationToken)));
        using var watcher = metrics.Watching();
        if (JobTransitions.IsTerminal(job.State) && request.AfterSequence >= job.LastSequence)
        {
            return;
        }

        var last = request.AfterSequence;
        try
        {
            while (true)
            {
                // From the job's shared buffer; the store only when this watcher is behind it.
                var events = await subscription.NextAsync(last, WatchBatch, cancellationToken);
                if (events.Count == 0)
                {
                    // Asked to start after the terminal event: there is nothing more to send.
                    return;
                }

                // One flush per batch, not per event: a commit's events (a trial and its progress) or a
                // catch-up from the store reach the socket together, which is most of a watcher's cost.
                for (var i = 0; i < events.Count; i++)
                {
                    var e = events[i];
                    var terminal = JobTransitions.IsTerminalEvent(e);
                    responseStream.WriteOptions = terminal || i == events.Count - 1 ? FlushedWrite : BufferedWrite;
                    await responseStream.WriteAsync(e, cancellationToken);
                    last = e.Sequence;
                    if (terminal)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the control plane is shutting down; resume with after_sequence {last}."));
        }
    }

    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    private static readonly WriteOptions FlushedWrite = new();

    private static void RequireJobId(string jobId)
    {
        if (string.IsNullOrEmpty(jobId))
        {
            throw InvalidArgument("job_id is required", [Violation("job_id", "is required.")]);
        }
    }

    private static RpcException NotFound(string jobId) => new(new Status(StatusCode.NotFound, $"job {jobId} does not exist."));

    private static BadRequest.Types.FieldViolation Violation(string field, string description) => new() { Field = field, Description = description };

    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest; the message names every field too, for clients that only show it.</summary>
    private static RpcException InvalidArgument(string summary, IReadOnlyList<BadRequest.Types.FieldViolation> violations)
    {
        var message = new StringBuilder(summary).Append(": ");
        message.AppendJoin("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations);
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message.ToString(),
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }
}
