using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class SubmitJobTests : IAsyncLifetime
{
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync()
    {
        // Workers never attach here: jobs stay where the scheduler puts them.
        var provider = new FakeWorkerProvider { Behavior = _ => null };
        _cp = await TestControlPlane.StartAsync(provider, configure: o => o.MaxConcurrentJobs = 1);
    }

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task An_empty_spec_is_the_census_job_with_every_default_written_out()
    {
        var job = await _cp.Jobs.SubmitJobAsync(new SubmitJobRequest());

        Assert.StartsWith("j-", job.JobId, StringComparison.Ordinal);
        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal(1, job.LastSequence);
        var spec = job.Spec;
        Assert.Equal("bundled://census/adult.data", spec.Dataset.TrainUri);
        Assert.Equal("bundled://census/adult.test", spec.Dataset.TestUri);
        Assert.Equal(DataFormat.Census, spec.Dataset.Format);
        Assert.Equal(SearchStrategy.Random, spec.Search.Strategy);
        Assert.Equal(20, spec.Search.Trials);
        Assert.Equal(3, spec.Search.Folds);
        Assert.Equal(Scoring.Accuracy, spec.Search.Scoring);
        Assert.Equal(1, spec.Search.Workers);
        Assert.Equal(["gamma", "learning_rate", "max_depth", "n_estimators", "reg_lambda"], spec.Search.Space.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new IntRange { Low = 3, High = 7 }, spec.Search.Space["max_depth"].IntRange);
        Assert.Equal(19, spec.Search.Space["learning_rate"].Choice.Values.Count);
        Assert.Equal(100, spec.Search.Space["n_estimators"].Poisson.Mean);
        Assert.Equal(0.001, spec.Search.Space["gamma"].Exponential.Scale);
        Assert.Equal("local", spec.Resources.Provider);
        Assert.Equal(2, spec.Limits.MaxRestarts);
        Assert.Equal(Path.Combine(_cp.DataDir, "models", job.JobId), spec.Output.ModelUri);
    }

    [Fact]
    public async Task The_first_event_of_a_job_is_its_move_to_queued()
    {
        var job = await _cp.SubmitAsync();

        var first = await _cp.WaitForEventAsync(job.JobId, _ => true);

        Assert.Equal(1, first.Sequence);
        Assert.Equal(job.JobId, first.JobId);
        Assert.Equal(JobState.Unspecified, first.StateChanged.Previous);
        Assert.Equal(JobState.Queued, first.StateChanged.State);
    }

    [Fact]
    public async Task Get_returns_the_job_and_an_unknown_id_is_not_found()
    {
        var job = await _cp.SubmitAsync();

        var got = await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.GetJobAsync(new GetJobRequest { JobId = "j-0000000000000000" }));
        var empty = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.GetJobAsync(new GetJobRequest()));

        Assert.Equal(job.Spec, got.Spec);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
    }

    [Fact]
    public async Task The_same_request_id_and_spec_return_the_same_job()
    {
        var spec = TestControlPlane.SmallSpec();
        spec.Labels["team"] = "census";

        var first = await _cp.SubmitAsync(spec, "req-1");
        var second = await _cp.SubmitAsync(spec.Clone(), "req-1");
        var list = await _cp.Jobs.ListJobsAsync(new ListJobsRequest());

        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal("req-1", second.RequestId);
        Assert.Single(list.Jobs, j => j.RequestId == "req-1");
    }

    [Fact]
    public async Task The_same_request_id_with_another_spec_is_already_exists()
    {
        var first = await _cp.SubmitAsync(TestControlPlane.SmallSpec(6), "req-2");

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(TestControlPlane.SmallSpec(7), "req-2"));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains(first.JobId, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gce_provider_is_refused_until_it_is_configured()
    {
        var spec = TestControlPlane.SmallSpec();
        spec.Resources = new Resources { Provider = "gce" };

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("the gce provider is not configured", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explicit_search_stores_its_configs_as_the_trials()
    {
        var spec = new JobSpec { Search = new Search { Configs = { Config(3, 0.1), Config(5, 0.05) } } };

        var job = await _cp.SubmitAsync(spec);

        Assert.Equal(SearchStrategy.Explicit, job.Spec.Search.Strategy);
        Assert.Equal(2, job.Spec.Search.Trials);
    }

    internal static ParamSet Config(double maxDepth, double learningRate) => new() { Values = { ["max_depth"] = maxDepth, ["learning_rate"] = learningRate } };
}
