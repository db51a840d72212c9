using Burst.ControlPlane.Lifecycle;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Lifecycle;

/// <summary>Successive halving across workers: promotions come from committed results only.</summary>
public sealed class HalvingTests
{
    [Fact]
    public void A_worker_lost_mid_rung_neither_stalls_nor_corrupts_the_rung()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 9, workers: 2, strategy: SearchStrategy.SuccessiveHalving));
        run.Bring("w-1", slots: 2);
        run.Bring("w-2", slots: 2);
        run.Finish("w-1", run.Held("w-1")[0]);
        run.Finish("w-2", run.Held("w-2")[0]);
        var lostHeld = run.Held("w-1").Select(t => (t.TrialId, t.Rung)).ToList();

        // Nothing of rung 1 is handed out while rung 0 is incomplete, also when a worker drops out of it.
        run.Do(new WorkerExited("w-1", "killed by signal 9"));
        run.Bring("w-3", slots: 2);
        while (run.State.Workers.SelectMany(w => run.Held(w.Id)).Any())
        {
            foreach (var worker in run.State.Workers.Where(w => w.IsLive).ToList())
            {
                if (run.Held(worker.Id).FirstOrDefault() is { } trial)
                {
                    var rung0Open = run.State.Results.Count(r => r.Rung == 0) < 9;
                    Assert.False(rung0Open && trial.Rung > 0, "a rung-1 trial was handed out before rung 0 was complete");
                    run.Finish(worker.Id, trial);
                }
            }
        }

        var planner = run.State.Search;
        var trials = run.State.Results.Select(r => (r.TrialId, r.Rung)).ToList();
        Assert.Equal(trials.Distinct().Count(), trials.Count);
        Assert.Equal(9, trials.Count(t => t.Rung == 0));
        Assert.True(trials.Max(t => t.Rung) > 0);
        Assert.All(lostHeld, t => Assert.Contains(t, trials));
        Assert.True(planner.IsFinished(run.State.Completed));
        Assert.Equal(planner.EstimatedTotalTrials, trials.Count);

        // The survivors are the planner's own choice from the committed rung-0 results.
        var rung1 = trials.Where(t => t.Rung == 1).Select(t => t.TrialId).Order().ToList();
        var expected = planner.Pending(run.State.Completed.Where(o => o.Trial.Rung == 0).ToList()).Select(t => t.TrialId).Order().ToList();
        Assert.Equal(expected, rung1);
        var refit = Assert.Single(run.Effects.OfType<SendToAgent>(), s => s.Message.Refit is not null).Message.Refit;
        Assert.Equal(trials.Max(t => t.Rung), refit.Best.Rung);
    }

    [Fact]
    public void A_survivor_goes_back_to_the_worker_that_ran_its_previous_rung_so_it_can_continue_its_boosters()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 9, workers: 2, strategy: SearchStrategy.SuccessiveHalving));
        run.Bring("w-1", slots: 4);
        run.Bring("w-2", slots: 3);
        // w-2's trials score best, so they survive; w-1 comes first in the hand-out and has room for them.
        while (run.State.Results.Count(r => r.Rung == 0) < 9)
        {
            foreach (var trial in run.Held("w-1").ToList())
            {
                run.Finish("w-1", trial, score: 0.5);
            }

            foreach (var trial in run.Held("w-2").ToList())
            {
                run.Finish("w-2", trial, score: 0.9 + (trial.TrialId / 1000.0));
            }
        }

        var rung1 = run.State.Workers.SelectMany(w => run.Held(w.Id).Select(t => (Worker: w.Id, t.TrialId, t.Rung))).Where(t => t.Rung == 1).ToList();
        Assert.NotEmpty(rung1);
        Assert.All(rung1, t => Assert.Equal(run.State.Results.Single(r => r.TrialId == t.TrialId && r.Rung == 0).WorkerId, t.Worker));
    }
}
