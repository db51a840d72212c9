using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class TpeSpecTests : IAsyncLifetime
{
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() => _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null });

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task A_tpe_job_is_accepted_and_stored_with_the_default_space_and_its_early_stopping()
    {
        var job = await _cp.SubmitAsync(new JobSpec { Search = new Search { Strategy = SearchStrategy.Tpe, Trials = 12, EarlyStoppingRounds = 20, TpeStartupTrials = 4 } });

        Assert.Equal(SearchStrategy.Tpe, job.Spec.Search.Strategy);
        Assert.NotEmpty(job.Spec.Search.Space);
        Assert.Equal(20, job.Spec.Search.EarlyStoppingRounds);
        Assert.Equal(4, job.Spec.Search.TpeStartupTrials);
    }

    [Fact]
    public async Task A_tpe_job_with_configs_is_refused_naming_configs()
    {
        var spec = new JobSpec { Search = new Search { Strategy = SearchStrategy.Tpe } };
        spec.Search.Configs.Add(new ParamSet { Values = { ["max_depth"] = 3 } });

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));

        Assert.Contains(BadRequests.Of(error), v => v.Field == "spec.search.configs");
    }

    [Theory]
    [InlineData("spec.search.early_stopping_rounds")]
    [InlineData("spec.search.tpe_startup_trials")]
    public async Task A_negative_search_count_is_refused_naming_the_field(string field)
    {
        var search = new Search { Strategy = SearchStrategy.Tpe };
        if (field.EndsWith("early_stopping_rounds", StringComparison.Ordinal))
        {
            search.EarlyStoppingRounds = -1;
        }
        else
        {
            search.TpeStartupTrials = -1;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(new JobSpec { Search = search }));

        Assert.Equal([field], BadRequests.Of(error).Select(v => v.Field));
    }
}
