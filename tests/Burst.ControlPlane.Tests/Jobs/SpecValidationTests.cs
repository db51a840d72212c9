using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class SpecValidationTests : IAsyncLifetime
{
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() => _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null });

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Theory]
    [InlineData("""{"search": {"folds": 1}}""", "spec.search.folds")]
    [InlineData("""{"search": {"folds": 21}}""", "spec.search.folds")]
    [InlineData("""{"search": {"trials": -1}}""", "spec.search.trials")]
    [InlineData("""{"search": {"trials": 10001}}""", "spec.search.trials")]
    [InlineData("""{"search": {"workers": 65}}""", "spec.search.workers")]
    [InlineData("""{"search": {"threads": -2}}""", "spec.search.threads")]
    [InlineData("""{"search": {"space": {"depth_of_trees": {"intRange": {"low": 1, "high": 3}}}}}""", "spec.search.space[\"depth_of_trees\"]")]
    [InlineData("""{"search": {"space": {"max_depth": {"intRange": {"low": 7, "high": 3}}}}}""", "spec.search.space[\"max_depth\"]")]
    [InlineData("""{"search": {"space": {"learning_rate": {"choice": {"values": [0.1, 2.5]}}}}}""", "spec.search.space[\"learning_rate\"]")]
    [InlineData("""{"search": {"space": {"gamma": {}}}}""", "spec.search.space[\"gamma\"]")]
    [InlineData("""{"search": {"strategy": "SEARCH_STRATEGY_EXPLICIT"}}""", "spec.search.configs")]
    [InlineData("""{"search": {"configs": [{"values": {"max_depth": 0}}]}}""", "spec.search.configs[0].values[\"max_depth\"]")]
    [InlineData("""{"dataset": {"format": "DATA_FORMAT_CSV", "trainUri": "/data/train.csv"}}""", "spec.dataset.label_column")]
    [InlineData("""{"dataset": {"labelColumn": "income"}}""", "spec.dataset.train_uri")]
    [InlineData("""{"dataset": {"trainUri": "https://example.com/adult.data"}}""", "spec.dataset.train_uri")]
    [InlineData("""{"dataset": {"testUri": "gs:///no-bucket"}}""", "spec.dataset.test_uri")]
    [InlineData("""{"output": {"modelUri": "bundled://census/model"}}""", "spec.output.model_uri")]
    [InlineData("""{"labels": {"Team": "x"}}""", "spec.labels[\"Team\"]")]
    [InlineData("""{"resources": {"provider": "aws"}}""", "spec.resources.provider")]
    [InlineData("""{"limits": {"maxRestarts": 11}}""", "spec.limits.max_restarts")]
    [InlineData("""{"limits": {"maxCostUsd": -1}}""", "spec.limits.max_cost_usd")]
    [InlineData("""{"limits": {"maxRuntime": "-5s"}}""", "spec.limits.max_runtime")]
    public async Task A_bad_spec_is_invalid_argument_naming_the_field(string specJson, string field)
    {
        var spec = JsonParser.Default.Parse<JobSpec>(specJson);

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, BadRequests.Of(error).Select(v => v.Field));
        Assert.Contains(field, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_broken_rule_is_reported_at_once()
    {
        var spec = JsonParser.Default.Parse<JobSpec>("""{"search": {"folds": 1, "workers": 100}, "limits": {"maxRestarts": 99}}""");

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));

        Assert.Equal(["spec.limits.max_restarts", "spec.search.folds", "spec.search.workers"], BadRequests.Of(error).Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_rejected_spec_creates_no_job()
    {
        await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(new JobSpec { Search = new Search { Folds = 1 } }));

        var list = await _cp.Jobs.ListJobsAsync(new ListJobsRequest());

        Assert.Empty(list.Jobs);
    }

    [Fact]
    public async Task A_csv_dataset_with_its_label_column_is_accepted()
    {
        var train = new Uri(Path.Combine(_cp.DataDir, "train.csv")).AbsoluteUri;
        var spec = new JobSpec { Dataset = new Dataset { TrainUri = train, LabelColumn = "income", PositiveLabel = ">50K" } };

        var job = await _cp.SubmitAsync(spec);

        Assert.Equal(DataFormat.Csv, job.Spec.Dataset.Format);
        Assert.Equal("", job.Spec.Dataset.TestUri);
    }
}
