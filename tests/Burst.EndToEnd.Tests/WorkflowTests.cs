using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;

namespace Burst.EndToEnd.Tests;

/// <summary>One real job through a real `burst server` and `burst-agent` process, shared by the tests below.</summary>
public sealed class FinishedJobFixture : IAsyncLifetime
{
    internal BurstServer Server { get; private set; } = null!;

    internal Job Submitted { get; private set; } = null!;

    internal List<JobEvent> FirstWatch { get; private set; } = null!;

    internal List<JobEvent> SecondWatch { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await BurstServer.StartAsync();
        Submitted = await Server.Jobs.SubmitJobAsync(new SubmitJobRequest { RequestId = "e2e-finished", Spec = Specs.QuickCensus() });

        // Two watchers at once, from the start, while the job runs.
        var first = Watcher.CollectAsync(Server.Jobs, Submitted.JobId);
        var second = Watcher.CollectAsync(Server.Jobs, Submitted.JobId);
        FirstWatch = await first;
        SecondWatch = await second;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class WorkflowTests(FinishedJobFixture fixture) : IClassFixture<FinishedJobFixture>
{
    [Fact]
    public void A_submitted_census_job_succeeds_with_a_model_on_disk_and_good_test_accuracy()
    {
        var events = fixture.FirstWatch;
        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, fixture.Server.Log);

        var result = Assert.Single(events, e => e.KindCase == JobEvent.KindOneofCase.Result).Result;
        Assert.True(result.TestMetrics.Accuracy >= 0.86, $"test accuracy {result.TestMetrics.Accuracy}");
        Assert.True(File.Exists(Path.Combine(result.ModelUri, "model.json")), $"no model.json in {result.ModelUri}");
        Assert.True(File.Exists(Path.Combine(result.ModelUri, "burst-model.json")), $"no burst-model.json in {result.ModelUri}");
        Assert.Equal(6, events.Count(e => e.KindCase == JobEvent.KindOneofCase.Trial));
    }

    [Fact]
    public void The_watch_stream_has_no_gaps_and_ends_with_the_terminal_event()
    {
        Watcher.AssertContiguous(fixture.FirstWatch);
        var last = fixture.FirstWatch[^1];
        Assert.Equal(JobEvent.KindOneofCase.StateChanged, last.KindCase);
        Assert.Equal(JobState.Succeeded, last.StateChanged.State);
    }

    [Fact]
    public void Two_watchers_see_identical_streams()
    {
        Assert.Equal(fixture.FirstWatch, fixture.SecondWatch);
    }

    [Fact]
    public async Task A_watch_resumed_from_a_middle_sequence_gives_exactly_the_suffix()
    {
        var all = fixture.FirstWatch;
        var middle = all[all.Count / 2].Sequence;

        var suffix = await Watcher.CollectAsync(fixture.Server.Jobs, fixture.Submitted.JobId, after: middle);

        Assert.Equal(all.Where(e => e.Sequence > middle), suffix);
    }

    [Fact]
    public async Task Submitting_again_with_the_same_request_id_returns_the_same_job()
    {
        var again = await fixture.Server.Jobs.SubmitJobAsync(new SubmitJobRequest { RequestId = "e2e-finished", Spec = Specs.QuickCensus() });

        Assert.Equal(fixture.Submitted.JobId, again.JobId);
    }
}
