using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;

namespace Burst.EndToEnd.Tests;

/// <summary>Cancels and crashes, with real processes: the agent and the control plane are SIGKILLed mid-job.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task Cancelling_a_running_job_ends_it_cancelled_and_its_agent_process_is_gone_within_seconds()
    {
        await using var server = await BurstServer.StartAsync();
        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.SlowCensus() });
        var pids = new List<int>();
        var cancelled = false;

        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: async e =>
        {
            if (e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.State == WorkerState.Attached)
            {
                pids.Add(Watcher.ParsePid(e.Worker.Instance));
            }

            if (e.KindCase == JobEvent.KindOneofCase.Trial && !cancelled)
            {
                cancelled = true;
                await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId, Reason = "test" });
            }
        });

        Assert.True(Watcher.FinalState(events) == JobState.Cancelled, server.Log);
        Assert.True(events.Count(e => e.KindCase == JobEvent.KindOneofCase.Trial) < 8, "the job ran to the end");
        var pid = Assert.Single(pids);
        await WaitUntil(() => !ProcessRunner.IsAlive(pid), TimeSpan.FromSeconds(10), $"agent {pid} still running");

        var again = await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
        Assert.Equal(JobState.Cancelled, again.State);
    }

    [Fact]
    public async Task A_killed_agent_is_replaced_and_the_job_succeeds_without_recomputing_finished_trials()
    {
        await using var server = await BurstServer.StartAsync();
        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.SlowCensus() });
        var killedPid = 0;
        var trialsBeforeKill = new List<int>();
        var attachedWorkers = new List<string>();

        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: e =>
        {
            if (e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.State == WorkerState.Attached)
            {
                attachedWorkers.Add(e.Worker.WorkerId);
                killedPid = killedPid == 0 ? -Watcher.ParsePid(e.Worker.Instance) : killedPid;
            }

            if (e.KindCase == JobEvent.KindOneofCase.Trial && killedPid < 0)
            {
                trialsBeforeKill.Add(e.Trial.TrialId);
                if (trialsBeforeKill.Count == 2)
                {
                    killedPid = -killedPid;
                    System.Diagnostics.Process.GetProcessById(killedPid).Kill();
                }
            }

            return Task.CompletedTask;
        });

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
        Assert.True(attachedWorkers.Distinct().Count() >= 2, "no replacement worker attached");
        var trials = events.Where(e => e.KindCase == JobEvent.KindOneofCase.Trial).Select(e => e.Trial).ToList();
        Assert.Equal(8, trials.Count);
        Assert.Equal(8, trials.Select(t => t.TrialId).Distinct().Count());
        var replacement = attachedWorkers.Last();
        Assert.DoesNotContain(trials.Where(t => t.WorkerId == replacement), t => trialsBeforeKill.Contains(t.TrialId));
        var final = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        Assert.True(final.Restarts >= 1);
    }

    [Fact]
    public async Task A_control_plane_killed_mid_job_and_restarted_finishes_the_job_and_a_resumed_watcher_sees_no_gap()
    {
        var server = await BurstServer.StartAsync();
        try
        {
            var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.SlowCensus() });
            var killed = false;
            var events = await Watcher.FollowAsync(() => server.Jobs, job.JobId, onEvent: async e =>
            {
                if (e.KindCase == JobEvent.KindOneofCase.Trial && !killed)
                {
                    killed = true;
                    server.Kill();
                    await server.StartProcessAsync();
                }
            });

            Assert.True(killed);
            Watcher.AssertContiguous(events);
            Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
            Assert.Equal(8, events.Where(e => e.KindCase == JobEvent.KindOneofCase.Trial).Select(e => e.Trial.TrialId).Distinct().Count());

            var replay = await Watcher.CollectAsync(server.Jobs, job.JobId);
            Assert.Equal(events, replay);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string message)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, message);
            await Task.Delay(100);
        }
    }
}
