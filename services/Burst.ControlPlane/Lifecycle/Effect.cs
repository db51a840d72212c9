using System.Collections.Immutable;
using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>What the shell carries out after a decision's commit is durable, in order.</summary>
internal abstract record Effect;

/// <summary>Queue a message on the worker's bound stream (dropped when none is bound).</summary>
internal sealed record SendToAgent(string WorkerId, ControlMessage Message) : Effect;

/// <summary>End the worker's bound stream (after what was queued) and unbind it.</summary>
internal sealed record CloseStream(string WorkerId) : Effect;

/// <summary>
/// Start the worker committed as PROVISIONING. Its token is random, so the shell mints it and adds its
/// hash to the decision's commit; <paramref name="BySchedule"/> hangs its span under the scheduling.
/// </summary>
internal sealed record ProvisionWorker(string WorkerId, string Reason, bool BySchedule) : Effect;

/// <summary>Stop these workers' machines in the background; each stop comes back as WorkerStopped, then <paramref name="Then"/> when given.</summary>
internal sealed record StopWorkers(IReadOnlyList<WorkerRecord> Workers, Stimulus? Then = null) : Effect;

/// <summary>Tell the job's watchers there are new events.</summary>
internal sealed record WakeWatchers : Effect;

/// <summary>The job reached a terminal state: it leaves the coordinator and frees its place in the queue.</summary>
internal sealed record JobEnded : Effect;

/// <summary>Why a stimulus was refused; the API layer maps it to a gRPC status.</summary>
internal enum RefusalKind
{
    /// <summary>PERMISSION_DENIED.</summary>
    NotProvisioned,

    /// <summary>INVALID_ARGUMENT.</summary>
    BadReport,
}

internal sealed record Refusal(RefusalKind Kind, string Message);

/// <summary>The core's answer: the state after, the commit that makes it durable (null: nothing to store), and the effects.</summary>
internal sealed record Decision(JobSnapshot Next, JobCommit? Commit, ImmutableList<Effect> Effects, Refusal? Refusal = null);
