using Burst.Training.Search;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>The wire's trial to run as the planner's trial (the other direction is in Runtime/SearchMapping.cs).</summary>
internal static class TrialMapping
{
    public static TrialSpec ToTrialSpec(TrialToRun trial) =>
        new(trial.TrialId, trial.Rung, trial.Rounds, trial.Params is null ? new Dictionary<string, double>() : new Dictionary<string, double>(trial.Params.Values));
}
