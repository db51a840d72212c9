using Burst.ControlPlane.Lifecycle;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Lifecycle;

/// <summary>Trials on demand, the exact trial count, duplicates and the one refit, decided by the core alone.</summary>
public sealed class HandoutTests
{
    [Fact]
    public void A_worker_gets_nothing_before_it_asks_and_then_its_slots_plus_the_prefetch()
    {
        var run = CoreRun.Scheduled(CoreRun.Explicit(trials: 10));
        run.Do(new WorkerProvisioned("w-1", new Burst.ControlPlane.Providers.WorkerInstance("vm-1")));

        var attach = run.Attach("w-1");
        var ask = run.Ask("w-1", freeSlots: 3);

        Assert.DoesNotContain(attach.Effects, e => e is SendToAgent { Message.RunTrials: not null });
        Assert.NotNull(Assert.IsType<SendToAgent>(attach.Effects[1]).Message.Assignment);
        Assert.Equal(3 + Handout.Prefetch, run.HandedTo("w-1").Count());
        Assert.Equal([0, 1, 2, 3], run.HandedTo("w-1").Select(t => t.TrialId));

        // Committed before it is sent: the hand-out is in the same decision's commit.
        Assert.Equal(4, ask.Commit!.Workers.Single(w => w.WorkerId == "w-1").Assigned.Count);
    }

    [Fact]
    public void Near_the_end_a_trial_waits_for_a_free_slot_instead_of_queueing_behind_a_running_one()
    {
        var run = CoreRun.Scheduled(CoreRun.Explicit(trials: 4, workers: 2));
        run.Bring("w-1", slots: 1);
        run.Bring("w-2", slots: 1);

        // w-1 came first, while enough was left for everyone: its slot and the prefetch.
        Assert.Equal([0, 1], run.HandedTo("w-1").Select(t => t.TrialId));

        // Then only trial 3 remained beside w-2's own: not prefetched to a worker that is busy.
        Assert.Equal([2], run.HandedTo("w-2").Select(t => t.TrialId));
        Assert.DoesNotContain(run.State.Workers.SelectMany(w => run.Held(w.Id)), t => t.TrialId == 3);

        // The first slot to free takes it, whoever it belongs to.
        run.Finish("w-2", run.Held("w-2").Single());
        run.Ask("w-2", freeSlots: 1);
        Assert.Equal([2, 3], run.HandedTo("w-2").Select(t => t.TrialId));
        Assert.Equal([0, 1], run.HandedTo("w-1").Select(t => t.TrialId));
    }

    [Fact]
    public void The_most_work_is_handed_out_first_so_that_a_skewed_search_ends_on_short_trials()
    {
        // Six long trials at the even indices 0..10 of 24, as in bench/fleet.sh's skewed search.
        var rounds = Enumerable.Range(0, 24).Select(i => i <= 10 && i % 2 == 0 ? 300 : 40).ToArray();
        var run = CoreRun.Scheduled(CoreRun.Explicit(trials: 24, workers: 2, rounds));
        run.Bring("w-1", slots: 1);
        run.Bring("w-2", slots: 1);

        // The long ones go out first, split between the workers, before any short one.
        Assert.Equal([0, 2], run.HandedTo("w-1").Select(t => t.TrialId));
        Assert.Equal([4, 6], run.HandedTo("w-2").Select(t => t.TrialId));
        run.Finish("w-1", run.Held("w-1")[0]);
        run.Finish("w-2", run.Held("w-2")[0]);
        Assert.Equal([0, 2, 8], run.HandedTo("w-1").Select(t => t.TrialId));
        Assert.Equal([4, 6, 10], run.HandedTo("w-2").Select(t => t.TrialId));

        // Then the short ones, in trial order, and every trial exactly once.
        run.Finish("w-1", run.Held("w-1")[0]);
        Assert.Equal(1, run.HandedTo("w-1").Last().TrialId);
        while (run.State.Workers.Any(w => run.Held(w.Id).Count > 0))
        {
            foreach (var worker in new[] { "w-1", "w-2" })
            {
                if (run.Held(worker).FirstOrDefault() is { } trial)
                {
                    run.Finish(worker, trial);
                }
            }
        }

        var handed = run.HandedTo("w-1").Concat(run.HandedTo("w-2")).Select(t => t.TrialId).Order();
        Assert.Equal(Enumerable.Range(0, 24), handed);
    }

    [Fact]
    public void A_fast_worker_takes_more_and_no_worker_ever_holds_more_than_its_slots_plus_the_prefetch()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 20, workers: 2));
        run.Bring("w-1", slots: 2);
        run.Bring("w-2", slots: 1);
        var most = new Dictionary<string, int> { ["w-1"] = 0, ["w-2"] = 0 };

        // w-1 finishes three trials for each one of w-2.
        var turn = 0;
        while (run.Job.State == JobState.Running && run.State.Workers.Any(w => run.Held(w.Id).Count > 0))
        {
            var worker = turn++ % 4 == 3 ? "w-2" : "w-1";
            if (run.Held(worker).FirstOrDefault() is { } trial)
            {
                run.Finish(worker, trial);
            }

            foreach (var id in most.Keys)
            {
                most[id] = Math.Max(most[id], run.Held(id).Count);
            }
        }

        Assert.Equal(2 + Handout.Prefetch, most["w-1"]);
        Assert.Equal(1 + Handout.Prefetch, most["w-2"]);
        Assert.True(run.HandedTo("w-1").Count() > 2 * run.HandedTo("w-2").Count());
        Assert.Equal(Enumerable.Range(0, 20), run.Events.Where(e => e.Trial is not null).Select(e => e.Trial.TrialId).Order());
    }

    [Fact]
    public void Three_workers_finishing_in_any_order_run_exactly_the_requested_trials_each_once_and_one_refits_once()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 17, workers: 3));
        run.Bring("w-1", slots: 2);
        run.Bring("w-2", slots: 1);
        run.Bring("w-3", slots: 3);
        var random = new Random(7);

        while (run.State.Workers.SelectMany(w => run.Held(w.Id)).Any())
        {
            var busy = run.State.Workers.Where(w => run.Held(w.Id).Count > 0).ToList();
            var worker = busy[random.Next(busy.Count)].Id;
            var held = run.Held(worker);
            run.Finish(worker, held[random.Next(held.Count)]);
        }

        var trials = run.Events.Where(e => e.Trial is not null).Select(e => e.Trial.TrialId).ToList();
        Assert.Equal(Enumerable.Range(0, 17), trials.Order());
        var handed = run.State.Workers.SelectMany(w => run.HandedTo(w.Id)).Select(t => t.TrialId).ToList();
        Assert.Equal(handed.Distinct().Count(), handed.Count);
        var refits = run.Effects.OfType<SendToAgent>().Where(s => s.Message.Refit is not null).ToList();
        var refit = Assert.Single(refits).Message.Refit;
        Assert.Equal(17, refit.Trials);
        Assert.Equal(17 * 3, refit.Fits);

        // Asking again after the search is finished does not refit twice.
        foreach (var worker in run.State.Workers)
        {
            run.Ask(worker.Id, freeSlots: 1);
        }

        Assert.Single(run.Effects.OfType<SendToAgent>(), s => s.Message.Refit is not null);
    }

    [Fact]
    public void A_report_sent_twice_is_stored_once_and_acked_both_times()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 3));
        run.Bring("w-1");
        var trial = run.Held("w-1")[0];
        var report = new Report { Sequence = 10, Trial = CoreRun.ResultOf(trial) };

        var first = run.Do(new ReportReceived("w-1", report));
        var again = run.Do(new ReportReceived("w-1", report.Clone()));
        var sameTrial = run.Do(new ReportReceived("w-1", new Report { Sequence = 11, Trial = CoreRun.ResultOf(trial) }));

        Assert.Single(first.Commit!.Events, e => e.Trial is not null);
        Assert.Null(again.Commit);
        Assert.Equal(10, Assert.IsType<SendToAgent>(Assert.Single(again.Effects)).Message.Ack.Sequence);
        Assert.DoesNotContain(sameTrial.Commit!.Events, e => e.Trial is not null);
        Assert.Contains(sameTrial.Effects, e => e is SendToAgent { Message.Ack.Sequence: 11 });
        Assert.Single(run.Events, e => e.Trial?.TrialId == trial.TrialId);
        Assert.Equal(1, run.Job.Progress.TrialsDone);
    }

    [Fact]
    public void A_result_for_a_trial_the_search_does_not_have_is_acked_and_ignored_and_a_bad_sequence_is_refused()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 3));
        run.Bring("w-1");
        var stranger = new TrialToRun { TrialId = 99, Rung = 0, Rounds = 5, Params = new ParamSet() };

        var unknown = run.Finish("w-1", stranger);
        var zero = run.Do(new ReportReceived("w-1", new Report { Sequence = 0, Idle = new Idle() }));
        var empty = run.Do(new ReportReceived("w-1", new Report { Sequence = 50 }));

        Assert.DoesNotContain(unknown.Commit!.Events, e => e.Trial is not null);
        Assert.Contains(unknown.Effects, e => e is SendToAgent { Message.Ack: not null });
        Assert.Equal(RefusalKind.BadReport, zero.Refusal!.Kind);
        Assert.Equal(RefusalKind.BadReport, empty.Refusal!.Kind);
    }

    [Fact]
    public void A_lost_workers_trials_go_back_to_the_queue_at_once_and_a_committed_trial_is_never_handed_out_again()
    {
        var spec = CoreRun.Spec(trials: 8, workers: 2);
        var run = CoreRun.Scheduled(spec);
        run.Bring("w-1", slots: 2);
        run.Bring("w-2", slots: 1);
        run.Finish("w-1", run.Held("w-1")[0]);
        run.Finish("w-2", run.Held("w-2")[0]);
        run.Ask("w-2", freeSlots: 3);
        var lostHeld = run.Held("w-1").Select(t => t.TrialId).ToList();
        var committed = run.State.Results.Select(r => r.TrialId).ToList();

        var exit = run.Do(new WorkerExited("w-1", "killed by signal 9"));

        var handedNow = exit.Effects.OfType<SendToAgent>().Where(s => s.WorkerId == "w-2" && s.Message.RunTrials is not null)
            .SelectMany(s => s.Message.RunTrials.Trials).Select(t => t.TrialId).ToList();
        Assert.NotEmpty(handedNow);
        Assert.All(handedNow, id => Assert.Contains(id, lostHeld));
        Assert.Empty(run.Held("w-1"));

        run.Bring("w-3", slots: 2);
        while (run.State.Workers.SelectMany(w => run.Held(w.Id)).Any())
        {
            foreach (var worker in run.State.Workers.Where(w => w.IsLive).ToList())
            {
                run.FinishAll(worker.Id);
            }
        }

        var later = run.Decisions.SkipWhile(d => d != exit).SelectMany(d => d.Effects).OfType<SendToAgent>()
            .Where(s => s.Message.RunTrials is not null).SelectMany(s => s.Message.RunTrials.Trials).Select(t => t.TrialId);
        Assert.DoesNotContain(later, committed.Contains);
        Assert.Equal(Enumerable.Range(0, 8), run.Events.Where(e => e.Trial is not null).Select(e => e.Trial.TrialId).Order());
    }

    [Fact]
    public void An_idle_agent_that_never_sent_a_work_request_gets_one_slot_per_core()
    {
        var run = CoreRun.Scheduled(CoreRun.Explicit(trials: 10));
        run.Do(new WorkerProvisioned("w-1", new Burst.ControlPlane.Providers.WorkerInstance("vm-1")));
        run.Attach("w-1", cores: 3);

        run.Report("w-1", new Report { Idle = new Idle() });

        Assert.Equal(3 + Handout.Prefetch, run.HandedTo("w-1").Count());
    }

    [Fact]
    public void A_cancel_during_the_refit_cancels_the_job_and_the_result_that_follows_is_ignored()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 2));
        run.Bring("w-1", slots: 2);
        run.FinishAll("w-1");
        Assert.Single(run.SentTo("w-1"), m => m.Refit is not null);
        run.Report("w-1", new Report { Progress = new Progress { Phase = "refit" } });

        var cancel = run.Do(new CancelRequested("changed my mind"));
        var result = run.Report("w-1", new Report { Result = new JobResult { CvBest = 0.9 } });
        var stopped = run.Do(new WorkersStopped());

        Assert.Equal(JobState.Cancelled, run.Job.State);
        Assert.Null(run.Job.Result);
        Assert.Contains(cancel.Effects, e => e is SendToAgent { WorkerId: "w-1", Message.Cancel: not null });
        Assert.Contains(cancel.Effects, e => e is StopWorkers { Then: WorkersStopped });
        Assert.DoesNotContain(result.Commit?.Events ?? [], e => e.Result is not null);
        Assert.Contains(stopped.Commit!.Events, e => e.Worker is { WorkerId: "w-1", State: WorkerState.Exited });
        Assert.True(JobTransitions.IsTerminalEvent(run.Events.Last()));
    }

    [Fact]
    public void When_the_refitting_worker_is_lost_another_live_worker_refits()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 2, workers: 2));
        run.Bring("w-1", slots: 2);
        run.Bring("w-2", slots: 1);
        run.FinishAll("w-1");
        var refitter = run.State.Workers.Single(w => w.Record.Refit).Id;
        var other = refitter == "w-1" ? "w-2" : "w-1";

        run.Advance(TimeSpan.FromSeconds(1));
        run.Do(new WorkerExited(refitter, "preempted"));

        Assert.Single(run.SentTo(other), m => m.Refit is not null);
        Assert.True(run.State.Worker(other)!.Record.Refit);
    }
}
