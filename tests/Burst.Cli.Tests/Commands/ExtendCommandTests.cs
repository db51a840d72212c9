using Burst.Cli.Tests.Support;
using Burst.V1;

namespace Burst.Cli.Tests.Commands;

public sealed class ExtendCommandTests
{
    [Fact]
    public async Task Extend_submits_the_jobs_own_spec_continued_by_n_trials_with_its_model_folder_cleared()
    {
        await using var server = await FakeControlPlane.StartAsync();
        var stored = new JobSpec
        {
            DisplayName = "census",
            Dataset = new Dataset { TrainUri = "bundled://census/adult.data", Format = DataFormat.Census },
            Search = new Search { Strategy = SearchStrategy.Tpe, Trials = 20, Folds = 3, Seed = 7 },
            Output = new Output { ModelUri = "/data/models/job-src" },
        };
        server.Service.AddJob(new Job { JobId = "job-src", Spec = stored, State = JobState.Succeeded }, []);

        var result = await BurstCli.RunAsync("extend", "job-src", "--trials", "40", "--server", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["job-1"], result.OutLines);
        var request = Assert.Single(server.Service.Submitted);
        Assert.Equal("", request.RequestId);
        var expected = stored.Clone();
        expected.Search.ContinueFrom = "job-src";
        expected.Search.Trials = 40;
        expected.Output.ModelUri = "";
        Assert.Equal(expected, request.Spec);
    }

    [Fact]
    public async Task Extend_with_watch_follows_the_new_job_to_its_result()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(new Job { JobId = "job-src", Spec = new JobSpec { Search = new Search { Trials = 5 } }, State = JobState.Succeeded }, []);
        server.Service.EventsForSubmitted = _ => Events.Succeeded(trials: 2, accuracy: 0.8712);

        var result = await BurstCli.RunAsync("extend", "job-src", "--trials", "2", "--watch", "--server", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Submitted job job-1, continuing job-src", result.OutLines[0]);
        Assert.Equal("Test accuracy: 0.8712", result.OutLines[^1]);
        Assert.Equal("job-1", Assert.Single(server.Service.Watches).JobId);
    }

    [Fact]
    public async Task Extend_without_a_positive_trial_count_is_a_usage_error_and_submits_nothing()
    {
        await using var server = await FakeControlPlane.StartAsync();
        server.Service.AddJob(new Job { JobId = "job-src", Spec = new JobSpec(), State = JobState.Succeeded }, []);

        var result = await BurstCli.RunAsync("extend", "job-src", "--trials", "0", "--server", server.Url);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--trials", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Service.Submitted);
    }
}
