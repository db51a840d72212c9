namespace Burst.Training.Search;

/// <summary>Random and explicit searches: every candidate once, at its own n_estimators.</summary>
internal sealed class SingleRungPlanner : ITrialPlanner
{
    private readonly TrialSpec[] _trials;
    private readonly ScoringKind _scoring;
    private readonly IReadOnlyList<TrialOutcome> _history;

    /// <param name="history">Trials of a search this one continues: weighed by Best, never run.</param>
    public SingleRungPlanner(IReadOnlyList<IReadOnlyDictionary<string, double>> candidates, ScoringKind scoring, IReadOnlyList<TrialOutcome>? history = null)
    {
        _scoring = scoring;
        _history = history?.Where(o => o.Trial.Rung == 0).ToArray() ?? [];
        _trials = candidates.Select((config, i) => new TrialSpec(i, 0, HyperParameters.Rounds(config), config)).ToArray();
    }

    public int CandidateCount => _trials.Length;

    public int EstimatedTotalTrials => _trials.Length;

    public IReadOnlyList<TrialSpec> Pending(IReadOnlyCollection<TrialOutcome> completed)
    {
        var done = completed.Where(o => o.Trial.Rung == 0).Select(o => o.Trial.TrialId).ToHashSet();
        return _trials.Where(t => !done.Contains(t.TrialId)).ToArray();
    }

    public bool IsFinished(IReadOnlyCollection<TrialOutcome> completed) => Pending(completed).Count == 0;

    public TrialOutcome Best(IReadOnlyCollection<TrialOutcome> completed) =>
        TrialPlanner.BestOf(_history.Concat(completed.Where(o => o.Trial.Rung == 0)), _scoring);
}
