using Burst.V1;

namespace Burst.Cli.Watching;

internal static class JobStates
{
    public static bool IsTerminal(JobState state) =>
        state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>The event after which the control plane ends a watch.</summary>
    public static bool IsTerminal(JobEvent jobEvent) =>
        jobEvent.KindCase == JobEvent.KindOneofCase.StateChanged && IsTerminal(jobEvent.StateChanged.State);
}
