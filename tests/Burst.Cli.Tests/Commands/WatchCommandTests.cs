using Burst.Cli.Tests.Support;
using Burst.Cli.Watching;
using Burst.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Burst.Cli.Tests.Commands;

public sealed class WatchCommandTests
{
    private static IReadOnlyList<long> Sequences(CliResult result) =>
        result.OutLines.Select(line => JsonParser.Default.Parse<JobEvent>(line).Sequence).ToList();

    private static IReadOnlyList<long> Range(long from, long to) =>
        Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i).ToList();

    [Fact]
    public async Task Watch_json_prints_one_event_per_line_with_exactly_the_job_sequences()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var events = Events.Succeeded(trials: 3);
        server.Service.AddJob(Events.Job("j1"), events);

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(events.Count, result.OutLines.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var sent = events[i].Clone();
            sent.JobId = "j1";
            Assert.Equal(sent, JsonParser.Default.Parse<JobEvent>(result.OutLines[i]));
        }

        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Watch_after_a_sequence_asks_for_and_prints_only_the_later_events()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var events = Events.Succeeded(trials: 3);
        server.Service.AddJob(Events.Job("j1"), events);

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url, "--json", "--after", "5");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Range(6, events.Count), Sequences(result));
        Assert.Equal(5, Assert.Single(server.Service.Watches).AfterSequence);
    }

    [Theory]
    [InlineData(BreakKind.End)]
    [InlineData(BreakKind.Unavailable)]
    public async Task Watch_resumes_after_a_dropped_stream_from_the_last_sequence_seen_without_a_gap_or_duplicate(BreakKind kind)
    {
        await using var server = await FakeControlPlane.StartAsync();
        var events = Events.Succeeded(trials: 4);
        server.Service.AddJob(Events.Job("j1"), events);
        server.Service.Breaks.Enqueue(new StreamBreak(AfterEvents: 5, kind));

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Range(1, events.Count), Sequences(result));
        var calls = server.Service.Watches.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.Equal(0, calls[0].AfterSequence);
        Assert.Equal(5, calls[1].AfterSequence);
        Assert.Contains("resuming after sequence 5", result.Error);
    }

    [Fact]
    public async Task Watch_resumes_after_the_connection_is_reset_from_the_last_sequence_it_received()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var events = Events.Succeeded(trials: 4);
        server.Service.AddJob(Events.Job("j1"), events);
        server.Service.Breaks.Enqueue(new StreamBreak(AfterEvents: 5, BreakKind.Abort));

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url, "--json");

        // A reset may overtake events already written, so the client resumes from what it really received.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Range(1, events.Count), Sequences(result));
        var calls = server.Service.Watches.ToArray();
        Assert.Equal(2, calls.Length);
        var resumedAfter = long.Parse(
            System.Text.RegularExpressions.Regex.Match(result.Error, "resuming after sequence (\\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAfter, 0, 5);
        Assert.Equal(resumedAfter, calls[1].AfterSequence);
    }

    [Fact]
    public async Task Watch_resumes_as_often_as_the_stream_drops()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var events = Events.Succeeded(trials: 4);
        server.Service.AddJob(Events.Job("j1"), events);
        server.Service.Breaks.Enqueue(new StreamBreak(2, BreakKind.End));
        server.Service.Breaks.Enqueue(new StreamBreak(0, BreakKind.Unavailable));
        server.Service.Breaks.Enqueue(new StreamBreak(3, BreakKind.End));

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Range(1, events.Count), Sequences(result));
        Assert.Equal([0L, 2, 2, 5], server.Service.Watches.Select(w => w.AfterSequence));
    }

    [Fact]
    public async Task Watch_gives_up_with_exit_3_when_the_stream_cannot_be_reopened_for_the_whole_grace_period()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), Events.Succeeded(trials: 2)[..4]);
        server.Service.AlwaysFailWatch = StatusCode.Unavailable;
        var retry = new WatchRetryPolicy(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1));

        var result = await BurstCli.RunAsync(["watch", "j1", "--server", server.Url, "--json"], new CliOptions { Retry = retry });

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("gave up watching job j1", result.Error);
        Assert.Contains("burst watch j1 --after 0", result.Error);
        Assert.True(server.Service.Watches.Count > 1);
    }

    [Fact]
    public async Task A_stream_that_stayed_open_counts_as_a_successful_reconnect_so_quiet_jobs_are_not_given_up()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var events = Events.Succeeded(trials: 2);
        server.Service.AddJob(Events.Job("j1"), events);
        server.Service.Breaks.Enqueue(new StreamBreak(1, BreakKind.Unavailable));
        for (var i = 0; i < 4; i++)
        {
            server.Service.Breaks.Enqueue(new StreamBreak(0, BreakKind.Unavailable, Hold: TimeSpan.FromMilliseconds(100)));
        }

        // Four quiet streams of 100 ms each outlast the 150 ms grace period, but each was a working connection.
        var retry = new WatchRetryPolicy(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(50));
        var result = await BurstCli.RunAsync(["watch", "j1", "--server", server.Url, "--json"], new CliOptions { Retry = retry });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Range(1, events.Count), Sequences(result));
        Assert.Equal([0L, 1, 1, 1, 1, 1], server.Service.Watches.Select(w => w.AfterSequence));
    }

    [Fact]
    public async Task Watch_prints_a_line_per_event_and_ends_with_the_result_when_output_is_not_a_terminal()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), Events.Succeeded(trials: 2, accuracy: 0.8712, modelUri: "file:///data/models/j1"));

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url);

        Assert.Equal(0, result.ExitCode);
        var lines = result.OutLines;
        Assert.StartsWith("[1] ", lines[0]);
        Assert.EndsWith("state QUEUED", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("[3] ", StringComparison.Ordinal) && l.EndsWith("worker w1 ATTACHED (pid 4242)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("trial 0: accuracy 0.8600 (folds 0.8590 0.8600 0.8610)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("progress 2/2, search, best accuracy 0.8610", StringComparison.Ordinal));
        Assert.Contains("Model: /data/models/j1", lines);
        Assert.Contains("Best params: learning_rate=0.1 max_depth=5", lines);
        Assert.Equal("Test accuracy: 0.8712", lines[^1]);
    }

    [Fact]
    public async Task Watch_on_an_interactive_terminal_draws_the_live_view_and_ends_with_the_result()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), Events.Succeeded(trials: 3, accuracy: 0.8745));

        var result = await BurstCli.RunAsync(["watch", "j1", "--server", server.Url], new CliOptions { Interactive = true });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("trial 2: accuracy 0.8620", result.Out);
        Assert.Contains("SUCCEEDED", result.Out);
        Assert.Equal("Test accuracy: 0.8745", result.OutLines[^1]);
    }

    [Fact]
    public async Task Watch_of_a_failed_job_prints_the_reason_and_exits_1()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), Events.Failed("DATA_INVALID", "adult.data line 12, column 3: 'abc' is not a number"));

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Job j1 FAILED: DATA_INVALID: adult.data line 12, column 3: 'abc' is not a number", result.OutLines[^1]);
    }

    [Fact]
    public async Task Watch_json_of_a_failed_job_keeps_stdout_to_events_and_says_why_on_stderr()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), Events.Failed("WORKER_LOST", "worker w1 lost 3 times"));

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([1L, 2, 3], Sequences(result));
        Assert.Contains("job j1 FAILED: WORKER_LOST: worker w1 lost 3 times", result.Error);
    }

    [Fact]
    public async Task Watch_of_a_cancelled_job_exits_1()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), [Events.State(1, JobState.Queued), Events.State(2, JobState.Cancelled, "cancelled by alice")]);

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Job j1 CANCELLED: cancelled by alice", result.OutLines[^1]);
    }

    [Fact]
    public async Task Watching_a_finished_job_after_its_last_event_ends_at_once_with_its_result()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var events = Events.Succeeded(trials: 2, accuracy: 0.8699);
        server.Service.AddJob(Events.Job("j1"), events);

        var result = await BurstCli.RunAsync("watch", "j1", "--server", server.Url, "--after", events.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Test accuracy: 0.8699", result.OutLines[^1]);
        Assert.Single(server.Service.Watches);
    }

    [Fact]
    public async Task Watch_of_an_unknown_job_exits_4()
    {
        await using var server = await FakeControlPlane.StartAsync();

        var result = await BurstCli.RunAsync("watch", "nope", "--server", server.Url);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("job nope not found", result.Error);
    }

    [Fact]
    public async Task Watch_of_a_server_that_is_not_there_exits_3_with_a_clear_message()
    {
        var url = FakeControlPlane.UnusedUrl();

        var result = await BurstCli.RunAsync("watch", "j1", "--server", url);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"cannot reach the control plane at {url}", result.Error);
        Assert.Contains("(is `burst server` running?)", result.Error);
    }

    [Fact]
    public async Task Interrupting_a_watch_exits_130_and_leaves_the_job_running()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(Events.Job("j1"), Events.Succeeded(trials: 3)[..6]);
        using var interrupt = new CancellationTokenSource();
        var watching = BurstCli.RunAsync(["watch", "j1", "--server", server.Url, "--json"], new CliOptions { Cancellation = interrupt.Token });

        await server.Service.WatchIsWaiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        interrupt.Cancel();
        var result = await watching;

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("the job keeps running", result.Error);
        Assert.Empty(server.Service.Cancels);
    }
}
