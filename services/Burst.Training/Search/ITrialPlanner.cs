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

    /// <summary>
    /// The next trials to hand out, on demand: at most <paramref name="count"/> trials that are neither
    /// in <paramref name="completed"/> (in commit order) nor in <paramref name="inFlight"/> (handed out,
    /// not reported yet), matched on TrialId and Rung. A planner that samples adaptively decides them
    /// here, from the committed results with the in-flight trials as provisional ones; the others take
    /// them from <see cref="Pending"/>, the most <see cref="TrialSpec.EstimatedWork"/> first (ties: the
    /// lower TrialId). Deterministic for the same arguments.
    /// </summary>
    IReadOnlyList<TrialSpec> Next(IReadOnlyList<TrialOutcome> completed, IReadOnlyCollection<TrialSpec> inFlight, int count)
    {
        ArgumentNullException.ThrowIfNull(inFlight);
        if (count <= 0)
        {
            return [];
        }

        var held = inFlight.Select(t => (t.TrialId, t.Rung)).ToHashSet();
        // Most work first (longest-processing-time order): the search then ends on short trials, and a
        // fleet's workers run out of work at nearly the same time instead of one waiting on a long trial.
        return Pending(completed).Where(t => !held.Contains((t.TrialId, t.Rung)))
            .OrderByDescending(t => t.EstimatedWork)
            .ThenBy(t => t.TrialId)
            .Take(count)
            .ToArray();
    }

    /// <summary>The best mean score among the highest rung reached; ties go to the lower TrialId.</summary>
    TrialOutcome Best(IReadOnlyCollection<TrialOutcome> completed);
}
