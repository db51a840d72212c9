using Burst.ControlPlane.Lifecycle;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Lifecycle;

/// <summary>Progress as the core computes it for watchers: the leaderboard and every worker.</summary>
public sealed class ProgressTests
{
    [Fact]
    public void The_leaderboard_is_the_top_ten_best_first_with_the_worker_that_ran_each()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 14, workers: 2));
        run.Bring("w-1", slots: 2);
        run.Bring("w-2", slots: 2);
        while (run.State.Results.Count < 14)
        {
            foreach (var worker in new[] { "w-1", "w-2" })
            {
                if (run.Held(worker).FirstOrDefault() is { } trial)
                {
                    run.Finish(worker, trial, score: 0.5 + (trial.TrialId * 7 % 14 / 100.0));
                }
            }
        }

        var board = run.Job.Progress.Leaderboard;
        Assert.Equal(FleetProgress.LeaderboardSize, board.Count);
        Assert.Equal(board.Select(e => e.MeanScore).OrderDescending(), board.Select(e => e.MeanScore));
        Assert.Equal(run.State.Results.Max(r => r.MeanScore), board[0].MeanScore);
        Assert.All(board, e => Assert.Equal(run.State.Results.Single(r => r.TrialId == e.TrialId).WorkerId, e.WorkerId));
        Assert.All(board, e => Assert.NotEmpty(e.Params.Values));
    }

    [Fact]
    public void With_successive_halving_the_leaderboard_ranks_by_the_highest_rung_reached_then_by_score()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 9, strategy: SearchStrategy.SuccessiveHalving));
        run.Bring("w-1", slots: 9);
        run.FinishAll("w-1");
        run.FinishAll("w-1");

        var board = run.Job.Progress.Leaderboard;
        Assert.Equal(board.Select(e => e.Rung).OrderDescending(), board.Select(e => e.Rung));
        Assert.True(board[0].Rung > 0);
        Assert.Equal(board.Select(e => e.TrialId).Distinct().Count(), board.Count);
    }

    [Fact]
    public void The_workers_table_moves_with_every_worker_change_and_counts_done_and_running_trials()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 6, workers: 2));
        run.Bring("w-1", slots: 2);
        run.Finish("w-1", run.Held("w-1")[0]);

        var attach = run.Attach("w-2");
        var progress = attach.Commit!.Events.Last(e => e.Progress is not null).Progress;
        var w1 = progress.Workers.Single(w => w.WorkerId == "w-1");
        var w2 = progress.Workers.Single(w => w.WorkerId == "w-2");
        var lost = run.Do(new WorkerExited("w-2", "gone"));

        Assert.Equal(WorkerState.Attached, w1.State);
        Assert.Equal(1, w1.TrialsDone);
        Assert.Equal(3, w1.TrialsRunning);
        Assert.Equal(WorkerState.Attached, w2.State);
        Assert.Equal(0, w2.TrialsDone);
        var after = lost.Commit!.Events.Last(e => e.Progress is not null).Progress;
        Assert.Equal(WorkerState.Lost, after.Workers.Single(w => w.WorkerId == "w-2").State);
        Assert.Contains(after.Workers, w => w is { WorkerId: "w-3", State: WorkerState.Provisioning });
    }

    [Fact]
    public void The_refitting_worker_is_marked_and_the_phase_the_agent_reports_is_kept()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 2, workers: 2));
        run.Bring("w-1", slots: 2);
        run.FinishAll("w-1");
        run.Report("w-1", new Report { Progress = new Progress { Phase = "refit" } });

        var attach = run.Attach("w-2");

        var progress = attach.Commit!.Events.Last(e => e.Progress is not null).Progress;
        Assert.Equal("refit", progress.Phase);
        Assert.True(progress.Workers.Single(w => w.WorkerId == "w-1").Refitting);
        Assert.False(progress.Workers.Single(w => w.WorkerId == "w-2").Refitting);
    }
}
