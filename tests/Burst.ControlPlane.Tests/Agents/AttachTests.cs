using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Agents;

public sealed class AttachTests : IAsyncLifetime
{
    private TestControlPlane _cp = null!;

    // No fake agents: each test attaches by hand with the token the provider was given.
    public async Task InitializeAsync() => _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null });

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task A_wrong_token_is_unauthenticated()
    {
        var job = await ProvisionedJobAsync();

        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Burst.ControlPlane.Agents.AgentTokens.Create());
        var error = await Assert.ThrowsAsync<RpcException>(agent.NextAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_garbled_token_is_unauthenticated()
    {
        var job = await ProvisionedJobAsync();

        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", "%%%");
        var error = await Assert.ThrowsAsync<RpcException>(agent.NextAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Another_jobs_token_is_permission_denied()
    {
        var job = await ProvisionedJobAsync();
        var other = await ProvisionedJobAsync();

        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(other));
        var error = await Assert.ThrowsAsync<RpcException>(agent.NextAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_worker_the_job_never_provisioned_is_permission_denied()
    {
        var job = await ProvisionedJobAsync();

        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-9", Token(job));
        var error = await Assert.ThrowsAsync<RpcException>(agent.NextAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_stream_that_does_not_start_with_hello_is_invalid_argument()
    {
        using var call = _cp.Agents.Attach();
        await call.RequestStream.WriteAsync(new AgentMessage { Heartbeat = new Heartbeat() });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Hello_gets_the_assignment_with_the_filled_spec_and_a_request_for_six_slots_gets_every_trial()
    {
        var job = await ProvisionedJobAsync();

        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        var assignment = (await agent.NextAsync()).Assignment;
        await agent.AskAsync(1, freeSlots: 6);
        var ack = (await agent.NextAsync()).Ack;
        var trials = (await agent.NextAsync()).RunTrials;
        var running = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });

        Assert.Equal("w-1", assignment.WorkerId);
        Assert.Equal(job.Spec, assignment.Spec);
        Assert.Equal(0, assignment.LastCommittedSequence);
        Assert.Equal(6, assignment.TotalTrials);
        Assert.Equal(1, assignment.HeartbeatIntervalSeconds);
        Assert.Equal(1, ack.Sequence);
        Assert.Equal(Enumerable.Range(0, 6), trials.Trials.Select(t => t.TrialId).Order());
        Assert.Equal(trials.Trials.OrderByDescending(t => t.Rounds * t.Params.Values["max_depth"]).Select(t => t.TrialId), trials.Trials.Select(t => t.TrialId));
        Assert.All(trials.Trials, t => Assert.Equal((int)t.Params.Values["n_estimators"], t.Rounds));
        Assert.Equal(JobState.Running, running.State);
    }

    [Fact]
    public async Task A_report_sent_twice_is_stored_once_and_acked_both_times()
    {
        var job = await ProvisionedJobAsync();
        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        await agent.NextAsync();
        await agent.AskAsync(1, freeSlots: 6);
        await agent.NextAsync();
        var trial = (await agent.NextAsync()).RunTrials.Trials[0];

        await agent.SendAsync(2, FakeAgent.ResultOf(trial));
        var firstAck = (await agent.NextAsync()).Ack;
        await agent.SendAsync(2, FakeAgent.ResultOf(trial));
        var secondAck = (await agent.NextAsync()).Ack;
        await agent.SendAsync(3, FakeAgent.ResultOf(trial));
        var thirdAck = (await agent.NextAsync()).Ack;
        var stored = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        var events = await EventsSoFarAsync(job.JobId, stored.LastSequence);

        Assert.Equal(2, firstAck.Sequence);
        Assert.Equal(2, secondAck.Sequence);
        Assert.Equal(3, thirdAck.Sequence);
        Assert.Single(events, e => e.Trial is not null);
        Assert.Equal("w-1", events.Single(e => e.Trial is not null).Trial.WorkerId);
        Assert.Equal(1, stored.Progress.TrialsDone);
    }

    [Fact]
    public async Task A_reattaching_worker_learns_its_last_committed_report_and_gets_its_unfinished_trials_again()
    {
        var job = await ProvisionedJobAsync();
        List<TrialToRun> trials;
        using (var first = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job)))
        {
            await first.NextAsync();
            await first.AskAsync(1, freeSlots: 6);
            await first.NextAsync();
            trials = [.. (await first.NextAsync()).RunTrials.Trials];
            await first.SendAsync(2, FakeAgent.ResultOf(trials[0]));
            await first.SendAsync(3, FakeAgent.ResultOf(trials[1]));
            Assert.Equal(2, (await first.NextAsync()).Ack.Sequence);
            Assert.Equal(3, (await first.NextAsync()).Ack.Sequence);
        }

        using var second = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        var assignment = (await second.NextAsync()).Assignment;
        var again = (await second.NextAsync()).RunTrials;

        Assert.Equal(3, assignment.LastCommittedSequence);
        Assert.Equal(trials.Skip(2).Select(t => t.TrialId), again.Trials.Select(t => t.TrialId));
    }

    [Fact]
    public async Task An_agent_failure_fails_the_job_with_its_reason_and_shuts_the_agent_down()
    {
        var job = await ProvisionedJobAsync();
        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        await agent.NextAsync();

        await agent.SendAsync(new AgentMessage { Report = new Report { Sequence = 1, Failure = new AgentFailure { Reason = "DATA_INVALID", Message = "adult.data line 7, column 3: not a number" } } });
        var ack = await agent.NextAsync();
        var farewell = await agent.NextAsync();
        var failed = await _cp.FinishedAsync(job.JobId);

        Assert.Equal(1, ack.Ack.Sequence);
        Assert.NotNull(farewell.Shutdown);
        Assert.True(await agent.EndedAsync());
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("DATA_INVALID", failed.Error.Reason);
        Assert.Contains("adult.data line 7, column 3", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hello_for_a_finished_job_gets_shutdown()
    {
        var job = await ProvisionedJobAsync();
        await _cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
        await _cp.FinishedAsync(job.JobId);

        using var agent = await ScriptedAgent.HelloAsync(_cp, job.JobId, "w-1", Token(job));
        var first = await agent.NextAsync();

        Assert.NotNull(first.Shutdown);
        Assert.True(await agent.EndedAsync());
    }

    private async Task<Job> ProvisionedJobAsync()
    {
        var job = await _cp.SubmitAsync();
        await _cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Provisioning);
        await WaitUntilAsync(() => _cp.Provider.Launches.Any(l => l.JobId == job.JobId));
        return job;
    }

    private string Token(Job job) => _cp.Provider.Launch(job.JobId, "w-1").AgentToken;

    private async Task<List<JobEvent>> EventsSoFarAsync(string jobId, long lastSequence)
    {
        var events = new List<JobEvent>();
        using var call = _cp.Jobs.WatchJob(new WatchJobRequest { JobId = jobId });
        while (events.Count < lastSequence && await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current);
        }

        return events;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestControlPlane.Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
