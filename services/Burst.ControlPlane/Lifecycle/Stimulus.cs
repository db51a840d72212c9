using Burst.ControlPlane.Providers;
using Burst.Training.Search;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>Something that happened to a job; the core decides what follows from it (<see cref="JobCore.Decide"/>).</summary>
internal abstract record Stimulus;

/// <summary>The scheduler took the QUEUED job. The shell made the planner (or found the spec bad) and asked the provider for its price.</summary>
internal sealed record Scheduled(bool ProviderAvailable, ITrialPlanner? Planner, string? SpecError, double HourlyUsd) : Stimulus;

/// <summary>The provider started the worker's machine.</summary>
internal sealed record WorkerProvisioned(string WorkerId, WorkerInstance Instance) : Stimulus;

/// <summary>The provider could not start the worker.</summary>
internal sealed record ProvisioningFailed(string WorkerId, string Message) : Stimulus;

/// <summary>An authenticated agent said Hello; the shell has bound its stream to the worker.</summary>
internal sealed record WorkerAttached(string WorkerId, Hello Hello) : Stimulus;

/// <summary>The worker's current stream ended.</summary>
internal sealed record WorkerDetached(string WorkerId) : Stimulus;

/// <summary>The provider saw the worker's process or VM end.</summary>
internal sealed record WorkerExited(string WorkerId, string Description) : Stimulus;

/// <summary>A stop the core asked for is done: the machine no longer costs anything.</summary>
internal sealed record WorkerStopped(string WorkerId) : Stimulus;

/// <summary>A CANCELLING job's workers are all stopped.</summary>
internal sealed record WorkersStopped : Stimulus;

/// <summary>A report from the agent (trial, progress, log, failure, result, idle, work request).</summary>
internal sealed record ReportReceived(string WorkerId, Report Report) : Stimulus;

/// <summary>A heartbeat: a sign of life, nothing to commit.</summary>
internal sealed record HeartbeatReceived(string WorkerId) : Stimulus;

/// <summary>The liveness tick: heartbeat deadlines, max_runtime, max_cost_usd and cost events are decided from its <c>now</c>.</summary>
internal sealed record ClockTick : Stimulus;

internal sealed record CancelRequested(string Reason) : Stimulus;

/// <summary>
/// A restarted control plane loaded the job: the workers whose process the provider found gone are
/// listed; <paramref name="SpecError"/> is set when the stored spec no longer gives a search.
/// </summary>
internal sealed record Recover(IReadOnlySet<string> GoneWorkers, string? SpecError = null) : Stimulus;
