using Burst.Contracts;
using Burst.V1;

namespace Burst.Cli.Watching;

/// <summary>
/// A job's workers and its best trials, as a watcher shows them. The control plane's
/// <c>Progress.workers</c> and <c>Progress.leaderboard</c> win when a progress event carries them;
/// until one does (or against a control plane that does not fill them), both are derived from
/// worker and trial events, so the view works either way. Trials are counted once per (trial, rung).
/// </summary>
internal sealed class FleetBoard(Scoring scoring)
{
    private readonly bool _higherIsBetter = HigherIsBetter(scoring);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, WorkerState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _done = new(StringComparer.Ordinal);
    private readonly Dictionary<(int TrialId, int Rung), LeaderboardEntry> _trials = [];
    private IReadOnlyList<WorkerStatus>? _reportedWorkers;
    private IReadOnlyList<LeaderboardEntry>? _reportedLeaderboard;

    /// <summary>Whether the workers come from the control plane, which also knows the trials each is running.</summary>
    public bool KnowsRunning => _reportedWorkers is not null;

    public IReadOnlyList<WorkerStatus> Workers => _reportedWorkers ?? _order.Select(id => new WorkerStatus
    {
        WorkerId = id,
        State = _states.GetValueOrDefault(id),
        TrialsDone = _done.GetValueOrDefault(id),
    }).ToArray();

    /// <summary>The best <paramref name="count"/> trials, best first; a trial promoted through rungs shows its latest rung.</summary>
    public IReadOnlyList<LeaderboardEntry> Top(int count)
    {
        if (_reportedLeaderboard is { } reported)
        {
            return reported.Take(count).ToArray();
        }

        var latest = _trials.Values.GroupBy(t => t.TrialId).Select(g => g.MaxBy(t => t.Rung)!);
        var ranked = _higherIsBetter ? latest.OrderByDescending(t => t.MeanScore) : latest.OrderBy(t => t.MeanScore);
        return ranked.ThenBy(t => t.TrialId).Take(count).ToArray();
    }

    public void Apply(JobEvent jobEvent)
    {
        switch (jobEvent.KindCase)
        {
            case JobEvent.KindOneofCase.Worker:
                Seen(jobEvent.Worker.WorkerId);
                _states[jobEvent.Worker.WorkerId] = jobEvent.Worker.State;
                break;
            case JobEvent.KindOneofCase.Trial:
                var trial = jobEvent.Trial;
                var entry = new LeaderboardEntry { TrialId = trial.TrialId, Rung = trial.Rung, MeanScore = trial.MeanScore, Params = trial.Params, WorkerId = trial.WorkerId };
                if (_trials.TryAdd((trial.TrialId, trial.Rung), entry) && !string.IsNullOrEmpty(trial.WorkerId))
                {
                    Seen(trial.WorkerId);
                    _done[trial.WorkerId] = _done.GetValueOrDefault(trial.WorkerId) + 1;
                }

                break;
            case JobEvent.KindOneofCase.Progress:
                if (jobEvent.Progress.Workers.Count > 0)
                {
                    _reportedWorkers = jobEvent.Progress.Workers.ToArray();
                }

                if (jobEvent.Progress.Leaderboard.Count > 0)
                {
                    _reportedLeaderboard = jobEvent.Progress.Leaderboard.ToArray();
                }

                break;
        }
    }

    private void Seen(string workerId)
    {
        if (!_states.ContainsKey(workerId) && !_done.ContainsKey(workerId))
        {
            _order.Add(workerId);
            _states[workerId] = WorkerState.Unspecified;
        }
    }

    private static bool HigherIsBetter(Scoring scoring)
    {
        try
        {
            return Burst.Training.Search.Scoring.HigherIsBetter(SearchMapping.ToScoring(scoring));
        }
        catch (ArgumentException)
        {
            // A scoring this CLI does not know: rank as the usual scores rank.
            return true;
        }
    }
}
