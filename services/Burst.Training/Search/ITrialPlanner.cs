namespace Burst.Training.Search;

/// <summary>
/// Decides which trials a search runs, from nothing but the results so far. Every method is pure and
/// deterministic, so a control plane can recompute the plan after a restart and hand the remaining
/// trials to any worker.
/// </summary>
public interface ITrialPlanner
{
    /// <summary>Configs in the search.</summary>
    int CandidateCount { get; }

    /// <summary>Trials over all rungs, for progress.</summary>
    int EstimatedTotalTrials { get; }

    /// <summary>
    /// The trials of the current stage that are not in <paramref name="completed"/> (matched on
    /// TrialId and Rung). Empty once the search is finished.
    /// </summary>
    IReadOnlyList<TrialSpec> Pending(IReadOnlyCollection<TrialOutcome> completed);

    bool IsFinished(IReadOnlyCollection<TrialOutcome> completed);

    /// <summary>The best mean score among the highest rung reached; ties go to the lower TrialId.</summary>
    TrialOutcome Best(IReadOnlyCollection<TrialOutcome> completed);
}
