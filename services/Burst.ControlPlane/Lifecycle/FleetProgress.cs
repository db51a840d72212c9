using Burst.ControlPlane.Runtime;
using Burst.Training;
using Burst.Training.Search;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>The search's progress as watchers see it: counts, best so far, ETA, the leaderboard and every worker.</summary>
internal static class FleetProgress
{
    public const int LeaderboardSize = 10;

    public static Progress Of(JobSnapshot state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var planner = state.Search;
        var completed = state.Completed;
        var phase = state.Job.Progress?.Phase;
        var progress = new Progress
        {
            TrialsDone = completed.Count,
            TrialsTotal = Math.Max(planner.EstimatedTotalTrials, completed.Count),
            Phase = string.IsNullOrEmpty(phase) ? "search" : phase,
            RoundsDone = completed.Sum(o => (long)o.Trial.Rounds * Math.Max(1, o.FoldScores.Count)),
            RoundsSaved = completed.Sum(o => EarlyStopping.RoundsSaved(o.Trial.Rounds, o.FoldRounds ?? [], state.Job.Spec?.Search?.EarlyStoppingRounds ?? 0)),
            TrialsInherited = state.History.Count,
        };
        if (completed.Count > 0 || state.History.Count > 0)
        {
            var best = planner.Best(completed);
            progress.BestScore = best.MeanScore;
            progress.BestParams = SearchMapping.ToParamSet(best.Trial.Params);
            if (completed.Count > 0 && state.Job.StartTime is { } started && now > started.ToDateTimeOffset())
            {
                var perTrial = (now - started.ToDateTimeOffset()) / completed.Count;
                var remaining = Math.Max(0, progress.TrialsTotal - completed.Count);
                progress.Eta = Duration.FromTimeSpan(perTrial * remaining);
            }
        }

        progress.Leaderboard.AddRange(Leaderboard(state));
        progress.Workers.AddRange(state.Workers.Select(w => new WorkerStatus
        {
            WorkerId = w.Id,
            State = w.Record.State,
            TrialsDone = state.Results.Count(r => r.WorkerId == w.Id),
            TrialsRunning = w.IsLive ? state.Outstanding(w).Count : 0,
            Refitting = w.IsLive && w.Record.Refit,
        }));
        return progress;
    }

    /// <summary>
    /// The best trials, best first, one row per trial at the highest rung it reached. Successive halving
    /// ranks by that rung first and then by score, since a score after more rounds is not comparable
    /// with one after fewer and a trial that went further beat the ones it outlived; ties go to the
    /// lower trial id. Other strategies have rung 0 only, so this is rank by score.
    /// </summary>
    public static IEnumerable<LeaderboardEntry> Leaderboard(JobSnapshot state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var sign = Training.Search.Scoring.HigherIsBetter(SearchMapping.ToScoring(state.Job.Spec?.Search?.Scoring ?? V1.Scoring.Unspecified)) ? -1 : 1;
        // Inherited trials (continue_from) rank with this job's own, and name the job that computed them.
        var own = state.Results.Select(r => new InheritedTrial("", r));
        var jobOrder = state.History.Select(h => h.JobId).Distinct().Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i + 1);
        return state.History.Concat(own)
            .GroupBy(t => (t.JobId, t.Result.TrialId))
            .Select(g => g.MaxBy(t => t.Result.Rung)!)
            .OrderByDescending(t => t.Result.Rung)
            .ThenBy(t => sign * t.Result.MeanScore)
            .ThenBy(t => t.JobId.Length == 0 ? 0 : jobOrder[t.JobId])
            .ThenBy(t => t.Result.TrialId)
            .Take(LeaderboardSize)
            .Select(t => new LeaderboardEntry
            {
                TrialId = t.Result.TrialId,
                Rung = t.Result.Rung,
                MeanScore = t.Result.MeanScore,
                Params = t.Result.Params?.Clone() ?? new ParamSet(),
                WorkerId = t.JobId.Length == 0 ? t.Result.WorkerId : "",
                JobId = t.JobId,
            });
    }
}
