using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>
/// The job's states and the only moves between them; the core (JobCore) takes these moves and the
/// store refuses any other (SqliteJobStore checks every commit here).
/// <code>
///   QUEUED       --Scheduled----------------------------> PROVISIONING
///   QUEUED       --Scheduled (no provider, bad spec)----> FAILED
///   QUEUED       --CancelRequested----------------------> CANCELLED
///   PROVISIONING --WorkerAttached (the first)-----------> RUNNING
///   PROVISIONING --CancelRequested----------------------> CANCELLING
///   PROVISIONING --limit, lost, provisioning, failure---> FAILED
///   RUNNING      --Report(result)-----------------------> SUCCEEDED
///   RUNNING      --CancelRequested----------------------> CANCELLING
///   RUNNING      --limit, lost, provisioning, failure---> FAILED
///   CANCELLING   --WorkersStopped-----------------------> CANCELLED
///   CANCELLING   --Recover with a bad spec--------------> FAILED
///   CANCELLING   --anything else------------------------> CANCELLING  (the cancel wins: a result or failure is ignored)
///   SUCCEEDED, FAILED, CANCELLED --anything-------------> itself       (a late stimulus is a no-op; only Job.cost may still settle)
/// </code>
/// "limit" is max_runtime (DEADLINE_EXCEEDED) or max_cost_usd (COST_LIMIT); "lost" is WORKER_LOST
/// with no restarts left; "provisioning" is PROVISIONING_FAILED; "failure" an agent's failure report.
/// </summary>
internal static class JobTransitions
{
    /// <summary>Every row of the table above that changes the state, as (from, stimulus, to).</summary>
    public static readonly IReadOnlyList<(JobState From, string Stimulus, JobState To)> Moves =
    [
        (JobState.Queued, "Scheduled", JobState.Provisioning),
        (JobState.Queued, "Scheduled", JobState.Failed),
        (JobState.Queued, "CancelRequested", JobState.Cancelled),
        (JobState.Provisioning, "WorkerAttached", JobState.Running),
        (JobState.Provisioning, "CancelRequested", JobState.Cancelling),
        (JobState.Provisioning, "limit, lost, provisioning, failure", JobState.Failed),
        (JobState.Running, "Report(result)", JobState.Succeeded),
        (JobState.Running, "CancelRequested", JobState.Cancelling),
        (JobState.Running, "limit, lost, provisioning, failure", JobState.Failed),
        (JobState.Cancelling, "WorkersStopped", JobState.Cancelled),
        (JobState.Cancelling, "Recover with a bad spec", JobState.Failed),
    ];

    /// <summary>The states of a job the coordinator holds: its workers may run.</summary>
    public static readonly JobState[] Active = [JobState.Provisioning, JobState.Running, JobState.Cancelling];

    public static bool IsTerminal(JobState state) => Contracts.JobStates.IsTerminal(state);

    /// <summary>True for the event that ends a job's history: the change to a terminal state.</summary>
    public static bool IsTerminalEvent(JobEvent e) => Contracts.JobStates.IsTerminal(e);

    /// <summary>Staying is always allowed; a move must be a row of the table.</summary>
    public static bool IsAllowed(JobState from, JobState to) => from == to || Moves.Any(m => m.From == from && m.To == to);

    /// <summary>
    /// Why a commit that takes a job from <paramref name="stored"/> to <paramref name="next"/> with
    /// <paramref name="events"/> is refused, or null when it is allowed: the move must be in the table,
    /// nothing may follow a terminal event, and a move to a terminal state ends with that state change.
    /// </summary>
    public static string? Refusal(JobState stored, JobState next, IReadOnlyList<JobEvent> events)
    {
        if (!IsAllowed(stored, next))
        {
            return $"a job cannot go from {stored} to {next}.";
        }

        if (events.Count == 0)
        {
            return null;
        }

        if (IsTerminal(stored))
        {
            return $"the job is already {stored}: no event may follow its terminal event.";
        }

        if (IsTerminal(next) && (events[^1].KindCase != JobEvent.KindOneofCase.StateChanged || events[^1].StateChanged.State != next))
        {
            return $"the job becomes {next}: its last event must be that state change.";
        }

        return null;
    }
}
