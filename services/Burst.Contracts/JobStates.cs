using Burst.V1;

namespace Burst.Contracts;

/// <summary>Which job states end a job, for every .NET process that reads them.</summary>
public static class JobStates
{
    public static bool IsTerminal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    /// <summary>True for the event that ends a job's history (and a watch): the change to a terminal state.</summary>
    public static bool IsTerminal(JobEvent jobEvent)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        return jobEvent.KindCase == JobEvent.KindOneofCase.StateChanged && IsTerminal(jobEvent.StateChanged.State);
    }
}
