using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace Burst.ControlPlane.Tests.Security;

public sealed class AgentTokenLifetimeTests
{
    private static async Task<(Job Job, string Token)> CancelledJobAsync(TestControlPlane cp)
    {
        var job = await cp.SubmitAsync();
        await cp.WaitForWorkerAsync(job.JobId, "w-1", WorkerState.Provisioning);
        using var timeout = new CancellationTokenSource(TestControlPlane.Patience);
        while (!cp.Provider.Launches.Any(l => l.JobId == job.JobId))
        {
            await Task.Delay(10, timeout.Token);
        }

        await cp.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
        await cp.FinishedAsync(job.JobId);
        return (job, cp.Provider.Launch(job.JobId, "w-1").AgentToken);
    }

    [Fact]
    public async Task The_token_of_a_finished_job_gets_shutdown_once_and_is_unauthenticated_after()
    {
        await using var cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null });
        var (job, token) = await CancelledJobAsync(cp);

        using (var first = await ScriptedAgent.HelloAsync(cp, job.JobId, "w-1", token))
        {
            Assert.NotNull((await first.NextAsync()).Shutdown);
            Assert.True(await first.EndedAsync());
        }

        using var again = await ScriptedAgent.HelloAsync(cp, job.JobId, "w-1", token);
        var error = await Assert.ThrowsAsync<RpcException>(again.NextAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("the agent token is not valid.", error.Status.Detail);
    }

    [Fact]
    public async Task A_finished_jobs_token_dies_after_the_heartbeat_timeout_even_if_no_agent_was_told()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null }, time: time);
        var (job, token) = await CancelledJobAsync(cp);

        time.Advance(TimeSpan.FromSeconds(31));
        using var late = await ScriptedAgent.HelloAsync(cp, job.JobId, "w-1", token);
        var error = await Assert.ThrowsAsync<RpcException>(late.NextAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }
}
