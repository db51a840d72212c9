using Burst.V1;

namespace Burst.Contracts.Tests;

public sealed class JobStatesTests
{
    [Theory]
    [InlineData(JobState.Succeeded, true)]
    [InlineData(JobState.Failed, true)]
    [InlineData(JobState.Cancelled, true)]
    [InlineData(JobState.Queued, false)]
    [InlineData(JobState.Provisioning, false)]
    [InlineData(JobState.Running, false)]
    [InlineData(JobState.Cancelling, false)]
    [InlineData(JobState.Unspecified, false)]
    public void Only_succeeded_failed_and_cancelled_end_a_job(JobState state, bool terminal) =>
        Assert.Equal(terminal, JobStates.IsTerminal(state));

    [Fact]
    public void The_event_that_ends_a_job_is_its_change_to_a_terminal_state()
    {
        Assert.True(JobStates.IsTerminal(new JobEvent { StateChanged = new StateChanged { State = JobState.Cancelled } }));
        Assert.False(JobStates.IsTerminal(new JobEvent { StateChanged = new StateChanged { State = JobState.Running } }));
        Assert.False(JobStates.IsTerminal(new JobEvent { Result = new JobResult() }));
    }
}
