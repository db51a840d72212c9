using Burst.ControlPlane.Lifecycle;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Tests.Lifecycle;

/// <summary>A test for every row of Lifecycle/JobTransitions.cs, the moves and the listed no-ops.</summary>
public sealed class TransitionTableTests
{
    /// <summary>Each state-changing row of the table, driven through the core from where the row starts.</summary>
    private static readonly Dictionary<(JobState From, JobState To), Action<CoreRun>> Rows = new()
    {
        [(JobState.Queued, JobState.Provisioning)] = run => run.Do(new Scheduled(true, SearchPlanner(run), null, 0)),
        [(JobState.Queued, JobState.Failed)] = run => run.Do(new Scheduled(false, null, null, 0)),
        [(JobState.Queued, JobState.Cancelled)] = run => run.Do(new CancelRequested("")),
        [(JobState.Provisioning, JobState.Running)] = run => run.Attach("w-1"),
        [(JobState.Provisioning, JobState.Cancelling)] = run => run.Do(new CancelRequested("by a test")),
        [(JobState.Provisioning, JobState.Failed)] = run => run.Do(new ProvisioningFailed("w-1", "no capacity")),
        [(JobState.Running, JobState.Succeeded)] = run => run.Report("w-1", new Report { Result = new JobResult { CvBest = 0.9 } }),
        [(JobState.Running, JobState.Cancelling)] = run => run.Do(new CancelRequested("by a test")),
        [(JobState.Running, JobState.Failed)] = run => run.Report("w-1", new Report { Failure = new AgentFailure { Reason = "DATA_INVALID", Message = "line 3" } }),
        [(JobState.Cancelling, JobState.Cancelled)] = run => run.Do(new WorkersStopped()),
        [(JobState.Cancelling, JobState.Failed)] = run => run.Do(new Recover(new HashSet<string>(), "the spec gives no search")),
    };

    public static TheoryData<JobState, JobState> Moves()
    {
        var data = new TheoryData<JobState, JobState>();
        foreach (var (from, _, to) in JobTransitions.Moves)
        {
            data.Add(from, to);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Moves))]
    public void Each_move_of_the_table_is_what_the_core_does_from_its_state(JobState from, JobState to)
    {
        var run = In(from);
        var before = run.Events.Count();

        Rows[(from, to)](run);

        Assert.Equal(to, run.Job.State);
        var change = run.Events.Skip(before).Last(e => e.StateChanged is not null).StateChanged;
        Assert.Equal(from, change.Previous);
        Assert.Equal(to, change.State);
        if (JobTransitions.IsTerminal(to))
        {
            Assert.True(JobTransitions.IsTerminalEvent(run.Events.Last()));
            Assert.NotNull(run.Job.EndTime);
        }
    }

    [Fact]
    public void Every_row_of_the_table_has_a_test_and_every_test_a_row()
    {
        Assert.Equal(JobTransitions.Moves.Select(m => (m.From, m.To)).Order(), Rows.Keys.Order());
    }

    [Theory]
    [InlineData(JobState.Succeeded)]
    [InlineData(JobState.Failed)]
    [InlineData(JobState.Cancelled)]
    public void Late_stimuli_in_a_terminal_state_are_no_ops(JobState terminal)
    {
        var run = In(terminal);
        var events = run.Events.Count();
        var trial = new TrialToRun { TrialId = 0, Rung = 0, Rounds = 10, Params = new ParamSet() };

        Stimulus[] late =
        [
            new ReportReceived("w-1", new Report { Sequence = 99, Trial = CoreRun.ResultOf(trial) }),
            new ReportReceived("w-1", new Report { Sequence = 100, Result = new JobResult() }),
            new CancelRequested("late"),
            new ClockTick(),
            new WorkerExited("w-1", "exit 0"),
            new WorkerDetached("w-1"),
            new HeartbeatReceived("w-1"),
            new WorkersStopped(),
            new Scheduled(true, null, null, 0),
            new ProvisioningFailed("w-1", "late"),
            new Recover(new HashSet<string> { "w-1" }),
        ];
        foreach (var stimulus in late)
        {
            var decision = run.Do(stimulus);

            Assert.Null(decision.Refusal);
            Assert.Empty(decision.Effects);
            Assert.True(decision.Commit is null || decision.Commit.Events.Count == 0, $"{stimulus} committed events");
        }

        Assert.Equal(terminal, run.Job.State);
        Assert.Equal(events, run.Events.Count());
    }

    [Fact]
    public void A_local_worker_whose_process_was_never_stored_is_known_by_the_pid_its_agent_gives()
    {
        // As after a restart between starting the agent and storing its process: no WorkerProvisioned came.
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 2));

        var decision = run.Do(new WorkerAttached("w-1", new Hello { JobId = run.Job.JobId, WorkerId = "w-1", Cores = 2, Pid = 4242 }));

        var attached = Assert.Single(decision.Commit!.Events, e => e.Worker is { State: WorkerState.Attached });
        Assert.Equal("4242", attached.Worker.Instance);
        var stored = decision.Commit.Workers.Single(w => w.WorkerId == "w-1");
        Assert.Equal(("4242", 4242), (stored.Instance, stored.Pid));
    }

    [Fact]
    public void A_stored_instance_is_kept_whatever_pid_the_agent_gives()
    {
        var run = CoreRun.Scheduled(CoreRun.Spec(trials: 2));
        run.Do(new WorkerProvisioned("w-1", new Burst.ControlPlane.Providers.WorkerInstance("vm-1")));

        var decision = run.Do(new WorkerAttached("w-1", new Hello { JobId = run.Job.JobId, WorkerId = "w-1", Cores = 2, Pid = 4242 }));

        Assert.Equal("vm-1", Assert.Single(decision.Commit!.Events, e => e.Worker is { State: WorkerState.Attached }).Worker.Instance);
        Assert.Null(decision.Commit.Workers.Single(w => w.WorkerId == "w-1").Pid);
    }

    [Fact]
    public void Hello_in_a_terminal_state_gets_shutdown_and_the_stream_ends()
    {
        var run = In(JobState.Succeeded);

        var decision = run.Attach("w-1");

        Assert.NotNull(Assert.IsType<SendToAgent>(decision.Effects[0]).Message.Shutdown);
        Assert.IsType<CloseStream>(decision.Effects[1]);
        Assert.Null(decision.Commit);
    }

    [Fact]
    public void While_cancelling_a_result_or_a_failure_is_acked_and_ignored_and_a_second_cancel_changes_nothing()
    {
        var run = In(JobState.Cancelling);
        var events = run.Events.Count();

        var result = run.Report("w-1", new Report { Result = new JobResult() });
        var failure = run.Report("w-1", new Report { Failure = new AgentFailure { Message = "boom" } });
        var again = run.Do(new CancelRequested("again"));

        Assert.Equal(JobState.Cancelling, run.Job.State);
        Assert.Equal(events, run.Events.Count());
        Assert.Contains(result.Effects, e => e is SendToAgent { Message.Ack: not null });
        Assert.Contains(failure.Effects, e => e is SendToAgent { Message.Ack: not null });
        Assert.Null(again.Commit);
        Assert.Empty(again.Effects);
    }

    [Theory]
    [InlineData(JobState.Queued, JobState.Running)]
    [InlineData(JobState.Queued, JobState.Succeeded)]
    [InlineData(JobState.Provisioning, JobState.Succeeded)]
    [InlineData(JobState.Succeeded, JobState.Running)]
    [InlineData(JobState.Cancelled, JobState.Queued)]
    [InlineData(JobState.Failed, JobState.Cancelling)]
    [InlineData(JobState.Cancelling, JobState.Running)]
    public void A_move_that_is_not_a_row_is_refused(JobState from, JobState to)
    {
        Assert.False(JobTransitions.IsAllowed(from, to));
        Assert.NotNull(JobTransitions.Refusal(from, to, []));
    }

    [Fact]
    public void An_event_after_the_terminal_one_and_a_terminal_move_that_does_not_end_with_its_state_change_are_refused()
    {
        var log = new JobEvent { Log = new LogLine { Message = "late" } };
        var toFailed = new JobEvent { StateChanged = new StateChanged { Previous = JobState.Running, State = JobState.Failed } };

        Assert.NotNull(JobTransitions.Refusal(JobState.Succeeded, JobState.Succeeded, [log]));
        Assert.Null(JobTransitions.Refusal(JobState.Succeeded, JobState.Succeeded, []));
        Assert.NotNull(JobTransitions.Refusal(JobState.Running, JobState.Failed, [toFailed, log]));
        Assert.Null(JobTransitions.Refusal(JobState.Running, JobState.Failed, [log, toFailed]));
    }

    /// <summary>A run of a job in <paramref name="state"/>, reached through the core: w-1 attached and holding trials where that applies.</summary>
    internal static CoreRun In(JobState state)
    {
        var spec = CoreRun.Spec(trials: 2);
        spec.Limits = new Limits { MaxRestarts = 1 };
        if (state == JobState.Queued)
        {
            return CoreRun.Queued(spec);
        }

        var run = CoreRun.Scheduled(spec);
        switch (state)
        {
            case JobState.Provisioning:
                break;
            case JobState.Running:
                run.Bring("w-1");
                break;
            case JobState.Cancelling:
                run.Bring("w-1");
                run.Do(new CancelRequested("by a test"));
                break;
            case JobState.Succeeded:
                run.Bring("w-1");
                run.Report("w-1", new Report { Result = new JobResult() });
                break;
            case JobState.Failed:
                run.Do(new ProvisioningFailed("w-1", "no capacity"));
                break;
            case JobState.Cancelled:
                run.Do(new CancelRequested("by a test"));
                run.Do(new WorkersStopped());
                break;
        }

        Assert.Equal(state, run.Job.State);
        return run;
    }

    private static Training.Search.ITrialPlanner SearchPlanner(CoreRun run) => Burst.Contracts.SearchMapping.CreatePlanner(run.Job.Spec);
}
