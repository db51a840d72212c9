using Burst.ControlPlane.Lifecycle;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Tests.Lifecycle;

/// <summary>Every limit is decided from the <c>now</c> the core is given: no test here waits.</summary>
public sealed class LimitsTests
{
    [Fact]
    public void A_worker_silent_past_the_heartbeat_timeout_is_lost_and_a_replacement_gets_its_trials()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 4));
        run.Bring("w-1");
        var held = run.Held("w-1").Select(t => t.TrialId).ToList();

        run.Advance(CoreRun.Options.HeartbeatTimeout);
        var atTheLimit = run.Do(new ClockTick());
        run.Advance(TimeSpan.FromSeconds(1));
        var past = run.Do(new ClockTick());
        run.Bring("w-2");

        Assert.Null(atTheLimit.Commit);
        var lost = past.Commit!.Events.Single(e => e.Worker?.State == WorkerState.Lost).Worker;
        Assert.Equal("w-1", lost.WorkerId);
        Assert.Contains("heartbeat timeout", lost.Reason, StringComparison.Ordinal);
        Assert.Contains(past.Effects, e => e is SendToAgent { WorkerId: "w-1", Message.Shutdown: not null });
        Assert.Contains(past.Effects, e => e is StopWorkers s && s.Workers.Any(w => w.WorkerId == "w-1"));
        Assert.Contains(past.Effects, e => e is ProvisionWorker { WorkerId: "w-2" });
        Assert.Equal(1, run.Job.Restarts);
        Assert.Equal(held, run.HandedTo("w-2").Select(t => t.TrialId).Take(held.Count));
    }

    [Fact]
    public void A_heartbeat_keeps_a_worker_alive_past_the_timeout_counted_from_its_start()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 4));
        run.Bring("w-1");

        run.Advance(TimeSpan.FromSeconds(15));
        run.Do(new HeartbeatReceived("w-1"));
        run.Advance(TimeSpan.FromSeconds(15));
        var tick = run.Do(new ClockTick());

        Assert.Null(tick.Commit);
        Assert.Equal(WorkerState.Attached, run.State.Worker("w-1")!.Record.State);
    }

    [Fact]
    public void A_job_past_its_max_runtime_fails_with_deadline_exceeded_and_its_workers_get_cancel_and_are_stopped()
    {
        var spec = CoreRun.Spec(trials: 4);
        spec.Limits = new Limits { MaxRuntime = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)) };
        var run = CoreRun.Scheduled(spec);
        run.Bring("w-1");

        run.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(run.Do(new HeartbeatReceived("w-1")).Commit);
        var before = run.Do(new ClockTick());
        run.Do(new HeartbeatReceived("w-1"));
        run.Advance(TimeSpan.FromSeconds(1));
        var after = run.Do(new ClockTick());

        Assert.Null(before.Commit);
        Assert.Equal(JobState.Failed, run.Job.State);
        Assert.Equal("DEADLINE_EXCEEDED", run.Job.Error.Reason);
        Assert.Contains(after.Effects, e => e is SendToAgent { WorkerId: "w-1", Message.Cancel: not null });
        Assert.Contains(after.Effects, e => e is StopWorkers s && s.Workers.Any(w => w.WorkerId == "w-1"));
        Assert.Contains(after.Effects, e => e is JobEnded);
    }

    [Fact]
    public void Cost_events_come_each_cost_interval_of_vm_time_and_the_job_fails_with_cost_limit_when_the_estimate_reaches_max_cost_usd()
    {
        // $3.60 an hour is $0.001 a VM-second: two VMs reach $0.10 after 50 s.
        var spec = CoreRun.Spec(trials: 8, workers: 2);
        spec.Limits = new Limits { MaxCostUsd = 0.10 };
        var run = CoreRun.Scheduled(spec, hourlyUsd: 3.6);
        run.Bring("w-1");
        run.Bring("w-2");

        run.Advance(TimeSpan.FromSeconds(10));
        KeepAlive(run);
        var early = run.Do(new ClockTick());
        run.Advance(TimeSpan.FromSeconds(5));
        KeepAlive(run);
        var firstCost = run.Do(new ClockTick());
        run.Advance(TimeSpan.FromSeconds(34));
        KeepAlive(run);
        var below = run.Do(new ClockTick());
        run.Advance(TimeSpan.FromSeconds(1));
        var limit = run.Do(new ClockTick());

        Assert.Null(early.Commit);
        Assert.Equal(30, firstCost.Commit!.Events.Single(e => e.Cost is not null).Cost.VmSeconds);
        Assert.Equal(JobState.Running, below.Next.Job.State);
        Assert.Equal(JobState.Failed, run.Job.State);
        Assert.Equal("COST_LIMIT", run.Job.Error.Reason);
        Assert.Contains("limits.max_cost_usd", run.Job.Error.Message, StringComparison.Ordinal);
        var events = limit.Commit!.Events;
        Assert.Equal(0.10, events[^2].Cost.EstimatedUsd, 6);
        Assert.True(JobTransitions.IsTerminalEvent(events[^1]));
        var stop = Assert.Single(limit.Effects.OfType<StopWorkers>());
        Assert.Equal(["w-1", "w-2"], stop.Workers.Select(w => w.WorkerId).Order());
        Assert.Contains(limit.Effects, e => e is SendToAgent { Message.Cancel: not null });
    }

    [Fact]
    public void After_the_end_the_cost_takes_in_the_time_the_stops_took_without_an_event()
    {
        var spec = CoreRun.Spec(trials: 2);
        spec.Limits = new Limits { MaxCostUsd = 0.01 };
        var run = CoreRun.Scheduled(spec, hourlyUsd: 3.6);
        run.Bring("w-1");
        run.Advance(TimeSpan.FromSeconds(10));
        run.Do(new ClockTick());
        var atTheEnd = run.Job.Cost.VmSeconds;

        run.Advance(TimeSpan.FromSeconds(4));
        var stopped = run.Do(new WorkerStopped("w-1"));
        run.Advance(TimeSpan.FromSeconds(4));
        var later = run.Do(new ClockTick());

        Assert.Equal(JobState.Failed, run.Job.State);
        Assert.Equal(10, atTheEnd);
        Assert.Empty(stopped.Commit!.Events);
        Assert.Equal(14, run.Job.Cost.VmSeconds);
        Assert.Null(later.Commit);
    }

    [Fact]
    public void A_free_provider_has_no_cost_events_and_no_cost_limit()
    {
        var spec = CoreRun.Spec(trials: 2);
        spec.Limits = new Limits { MaxCostUsd = 0.000001 };
        var run = CoreRun.Scheduled(spec);
        run.Bring("w-1");

        run.Advance(TimeSpan.FromSeconds(19));
        var tick = run.Do(new ClockTick());

        Assert.Null(tick.Commit);
        Assert.Equal(JobState.Running, run.Job.State);
        Assert.Null(run.Job.Cost);
    }

    private static void KeepAlive(CoreRun run)
    {
        foreach (var worker in run.State.Workers.Where(w => w.IsLive))
        {
            run.Do(new HeartbeatReceived(worker.Id));
        }
    }
}
