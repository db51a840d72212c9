using Burst.V1;

namespace Burst.ControlPlane.Store;

internal static class JobStates
{
    public static readonly JobState[] Active = [JobState.Provisioning, JobState.Running, JobState.Cancelling];

    public static bool IsTerminal(JobState state) => Contracts.JobStates.IsTerminal(state);

    /// <summary>True for the event that ends a job's history: the change to a terminal state.</summary>
    public static bool IsTerminalEvent(JobEvent e) => Contracts.JobStates.IsTerminal(e);
}
