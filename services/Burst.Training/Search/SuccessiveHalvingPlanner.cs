namespace Burst.Training.Search;

/// <summary>
/// Successive halving over boosting rounds (<see cref="HalvingSchedule"/>). Rung r trains every
/// survivor for a fraction of its own n_estimators; the best of a rung go on to the next; the last
/// rung trains the survivors for their full n_estimators, so its scores are the same numbers a full
/// search would give those configs. Budgets are proportional to each config's own n_estimators
/// because n_estimators is one of the searched hyperparameters: the final rung must score the
/// config as sampled, not a different one. A trial keeps its TrialId across rungs, so a worker that
/// kept its boosters can continue them.
/// </summary>
internal sealed class SuccessiveHalvingPlanner : ITrialPlanner
{
    private readonly IReadOnlyList<IReadOnlyDictionary<string, double>> _candidates;
    private readonly ScoringKind _scoring;
    private readonly int[] _fullRounds;
    private readonly int[] _keep;
    private readonly double[] _fractions;

    public SuccessiveHalvingPlanner(IReadOnlyList<IReadOnlyDictionary<string, double>> candidates, ScoringKind scoring, HalvingSchedule? schedule = null)
    {
        _candidates = candidates;
        _scoring = scoring;
        _fullRounds = candidates.Select(HyperParameters.Rounds).ToArray();
        (_fractions, _keep) = (schedule ?? HalvingSchedule.Default).Plan(candidates.Count);
    }

    /// <summary>Survivors per rung, rung 0 first (rung 0 is every candidate).</summary>
    internal IReadOnlyList<int> SurvivorsPerRung => _keep;

    /// <summary>Share of each config's n_estimators trained at each rung; the last is 1.</summary>
    internal IReadOnlyList<double> RoundFractions => _fractions;

    public int CandidateCount => _candidates.Count;

    public int EstimatedTotalTrials => _keep.Sum();

    public IReadOnlyList<TrialSpec> Pending(IReadOnlyCollection<TrialOutcome> completed)
    {
        var (rung, trials) = CurrentRung(completed);
        if (rung < 0)
        {
            return [];
        }

        var done = completed.Where(o => o.Trial.Rung == rung).Select(o => o.Trial.TrialId).ToHashSet();
        return trials.Where(t => !done.Contains(t.TrialId)).ToArray();
    }

    public bool IsFinished(IReadOnlyCollection<TrialOutcome> completed) => CurrentRung(completed).Rung < 0;

    public TrialOutcome Best(IReadOnlyCollection<TrialOutcome> completed)
    {
        var valid = ValidOutcomes(completed);
        if (valid.Count == 0)
        {
            throw new InvalidOperationException("No trial has finished yet.");
        }

        var top = valid.Max(o => o.Trial.Rung);
        return TrialPlanner.BestOf(valid.Where(o => o.Trial.Rung == top), _scoring);
    }

    /// <summary>The rung still running and its trials; rung -1 when every rung is complete.</summary>
    private (int Rung, IReadOnlyList<TrialSpec> Trials) CurrentRung(IReadOnlyCollection<TrialOutcome> completed)
    {
        IReadOnlyList<int> survivors = Enumerable.Range(0, _candidates.Count).ToArray();
        for (var rung = 0; rung < _keep.Length; rung++)
        {
            var trials = survivors.Select(id => Trial(id, rung)).ToArray();
            var results = completed
                .Where(o => o.Trial.Rung == rung && survivors.Contains(o.Trial.TrialId))
                .GroupBy(o => o.Trial.TrialId)
                .ToDictionary(g => g.Key, g => g.First());
            if (results.Count < trials.Length)
            {
                return (rung, trials);
            }

            if (rung + 1 < _keep.Length)
            {
                survivors = Rank(results.Values).Take(_keep[rung + 1]).Select(o => o.Trial.TrialId).ToArray();
            }
        }

        return (-1, []);
    }

    /// <summary>Outcomes that belong to the plan: a result for a trial that was never scheduled (a stale report) is ignored.</summary>
    private List<TrialOutcome> ValidOutcomes(IReadOnlyCollection<TrialOutcome> completed)
    {
        var valid = new List<TrialOutcome>();
        IReadOnlyList<int> survivors = Enumerable.Range(0, _candidates.Count).ToArray();
        for (var rung = 0; rung < _keep.Length; rung++)
        {
            var results = completed
                .Where(o => o.Trial.Rung == rung && survivors.Contains(o.Trial.TrialId))
                .GroupBy(o => o.Trial.TrialId)
                .Select(g => g.First())
                .ToArray();
            valid.AddRange(results);
            if (results.Length < survivors.Count || rung + 1 == _keep.Length)
            {
                break;
            }

            survivors = Rank(results).Take(_keep[rung + 1]).Select(o => o.Trial.TrialId).ToArray();
        }

        return valid;
    }

    private IEnumerable<TrialOutcome> Rank(IEnumerable<TrialOutcome> outcomes)
    {
        var sign = Scoring.HigherIsBetter(_scoring) ? -1 : 1;
        return outcomes.OrderBy(o => sign * o.MeanScore).ThenBy(o => o.Trial.TrialId);
    }

    private TrialSpec Trial(int id, int rung)
    {
        var full = _fullRounds[id];
        var rounds = rung == _keep.Length - 1 ? full : Math.Max(1, (int)Math.Ceiling(full * _fractions[rung]));
        return new TrialSpec(id, rung, Math.Min(rounds, full), _candidates[id]);
    }
}
