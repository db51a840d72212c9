using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Agents;

/// <summary>Agents that misbehave on the Attach stream: what they send wrongly is not stored, and the job goes on.</summary>
public sealed class MalformedAgentTests : IAsyncLifetime
{
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() => _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null });

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task An_agent_that_drops_its_stream_before_the_ack_and_sends_the_report_again_after_reattaching_is_stored_once()
    {
        var job = await ProvisionedJobAsync();
        TrialToRun trial;
        using (var first = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job)))
        {
            await first.NextAsync();
            trial = (await AskAsync(first, 1, 1))[0];

            // Committed and acked, but the connection is gone before the agent acts on the ack (a cut network, a crash).
            await first.SendAsync(2, FakeAgent.ResultOf(trial));
            await NextAckAsync(first);
        }

        using var second = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        var assignment = (await second.NextAsync()).Assignment;

        // An agent that re-sends regardless of last_committed_sequence.
        await second.SendAsync(2, FakeAgent.ResultOf(trial));
        var ack = await NextAckAsync(second);
        var events = await EventsSoFarAsync(job.JobId);

        Assert.Equal(2, assignment.LastCommittedSequence);
        Assert.Equal(2, ack.Sequence);
        Assert.Single(events, e => e.Trial is not null);
        Watched(events);
    }

    [Fact]
    public async Task A_report_whose_sequence_goes_backwards_is_not_stored_and_the_job_goes_on()
    {
        var job = await ProvisionedJobAsync();
        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        await agent.NextAsync();
        var trials = await AskAsync(agent, 1, 2);

        await agent.SendAsync(5, FakeAgent.ResultOf(trials[0]));
        Assert.Equal(5, (await NextAckAsync(agent)).Sequence);
        await agent.SendAsync(new AgentMessage { Report = new Report { Sequence = 3, Log = new LogLine { WorkerId = "w-1", Message = "from the past" } } });
        var backwards = await NextAckAsync(agent);
        await agent.SendAsync(6, FakeAgent.ResultOf(trials[1]));
        var after = await NextAckAsync(agent);
        var events = await EventsSoFarAsync(job.JobId);

        Assert.Equal(5, backwards.Sequence);
        Assert.Equal(6, after.Sequence);
        Assert.DoesNotContain(events, e => e.Log?.Message == "from the past");
        Assert.Equal([trials[0].TrialId, trials[1].TrialId], events.Where(e => e.Trial is not null).Select(e => e.Trial.TrialId));
        Watched(events);
    }

    [Fact]
    public async Task A_trial_id_that_is_not_in_the_jobs_search_is_not_stored_and_the_job_goes_on()
    {
        var job = await ProvisionedJobAsync();
        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        var assignment = (await agent.NextAsync()).Assignment;
        var trial = (await AskAsync(agent, 1, 1))[0];

        var foreign = FakeAgent.ResultOf(trial);
        foreign.TrialId = assignment.TotalTrials + 17;
        await agent.SendAsync(2, foreign);
        await NextAckAsync(agent);
        await agent.SendAsync(3, FakeAgent.ResultOf(trial));
        await NextAckAsync(agent);
        var events = await EventsSoFarAsync(job.JobId);
        var stored = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });

        Assert.Equal([trial.TrialId], events.Where(e => e.Trial is not null).Select(e => e.Trial.TrialId));
        Assert.Equal(1, stored.Progress.TrialsDone);
        Assert.Equal(JobState.Running, stored.State);
    }

    [Fact]
    public async Task An_oversized_report_ends_the_stream_resource_exhausted_naming_the_limit_unstored_and_the_worker_can_attach_again()
    {
        var job = await ProvisionedJobAsync();
        List<ControlMessage> rest;
        Status ended;
        using (var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job)))
        {
            await agent.NextAsync();
            var huge = new string('x', 5 * 1024 * 1024);
            try
            {
                await agent.SendAsync(new AgentMessage { Report = new Report { Sequence = 1, Log = new LogLine { WorkerId = "w-1", Message = huge } } });
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Cancelled or StatusCode.ResourceExhausted)
            {
                // The server refuses the message by its header and ends the call while the rest is still being
                // sent, resetting the stream; grpc-dotnet's client fails that write CANCELLED unless it has
                // already read the call's status. The status is the one the response stream ends with.
            }

            (rest, ended) = await agent.DrainAsync();
        }

        using var again = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        var assignment = (await again.NextAsync()).Assignment;
        var trial = (await AskAsync(again, 1, 1))[0];
        await again.SendAsync(2, FakeAgent.ResultOf(trial));
        var ack = await NextAckAsync(again);
        var events = await EventsSoFarAsync(job.JobId);
        var stored = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });

        Assert.Equal(StatusCode.ResourceExhausted, ended.StatusCode);
        Assert.Contains($"at most {ControlPlaneOptions.DefaultMaxRequestBytes} bytes (Burst:MaxRequestBytes)", ended.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(rest, m => m.Ack is not null);
        Assert.Equal(0, assignment.LastCommittedSequence);
        Assert.Equal(2, ack.Sequence);
        Assert.DoesNotContain(events, e => e.Log is not null && e.Log.Message.Length > 1000);
        Assert.Single(events, e => e.Trial is not null);
        Assert.Equal(JobState.Running, stored.State);
    }

    private static void Watched(List<JobEvent> events) =>
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));

    /// <summary>Asks for work as a well-behaved agent does (PROTOCOL.md, section 2); returns the trials once the ask is acked too.</summary>
    private static async Task<IReadOnlyList<TrialToRun>> AskAsync(ScriptedAgent agent, long sequence, int freeSlots)
    {
        await agent.AskAsync(sequence, freeSlots);
        var trials = new List<TrialToRun>();
        var acked = false;
        while (!acked || trials.Count == 0)
        {
            var message = await agent.NextAsync();
            acked |= message.Ack?.Sequence >= sequence;
            trials.AddRange(message.RunTrials?.Trials ?? []);
        }

        return trials;
    }

    private static async Task<Ack> NextAckAsync(ScriptedAgent agent)
    {
        while (true)
        {
            var message = await agent.NextAsync();
            if (message.Ack is { } ack)
            {
                return ack;
            }
        }
    }

    private async Task<Job> ProvisionedJobAsync()
    {
        var job = await _cp.SubmitAsync();
        await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Provisioning);
        using var timeout = new CancellationTokenSource(TestControlPlane.Patience);
        while (!_cp.Provider.Launches.Any(l => l.JobId == job.JobId))
        {
            await Task.Delay(10, timeout.Token);
        }

        return job;
    }

    private string Token(Job job) => _cp.Provider.Launch(job.JobId, "w-1").AgentToken;

    private async Task<List<JobEvent>> EventsSoFarAsync(string jobId)
    {
        var stored = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId });
        var events = new List<JobEvent>();
        using var call = _cp.Jobs.WatchJob(new WatchJobRequest { JobId = jobId });
        while (events.Count < stored.LastSequence && await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current);
        }

        return events;
    }
}
