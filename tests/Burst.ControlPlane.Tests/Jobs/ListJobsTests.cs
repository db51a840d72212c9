using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class ListJobsTests : IAsyncLifetime
{
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null }, configure: o => o.MaxConcurrentJobs = 1);

    public async Task DisposeAsync() => await _cp.DisposeAsync();

    [Fact]
    public async Task Pages_list_every_job_once_newest_first()
    {
        var submitted = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            submitted.Add((await _cp.SubmitAsync()).JobId);
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await _cp.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 2, PageToken = token });
            Assert.True(page.Jobs.Count <= 2);
            seen.AddRange(page.Jobs.Select(j => j.JobId));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        submitted.Reverse();
        Assert.Equal(submitted, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task The_state_filter_keeps_only_jobs_in_that_state()
    {
        var first = await _cp.SubmitAsync();
        await _cp.WaitForStateAsync(first.JobId, JobState.Provisioning);
        var second = await _cp.SubmitAsync();
        var third = await _cp.SubmitAsync();

        var queued = await _cp.Jobs.ListJobsAsync(new ListJobsRequest { State = JobState.Queued });
        var provisioning = await _cp.Jobs.ListJobsAsync(new ListJobsRequest { State = JobState.Provisioning });

        Assert.Equal([third.JobId, second.JobId], queued.Jobs.Select(j => j.JobId));
        Assert.Equal([first.JobId], provisioning.Jobs.Select(j => j.JobId));
    }

    [Fact]
    public async Task A_page_token_that_was_not_issued_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.ListJobsAsync(new ListJobsRequest { PageToken = "not-a-token" }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("page_token", Assert.Single(BadRequests.Of(error)).Field);
    }

    [Fact]
    public async Task A_negative_page_size_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _cp.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = -1 }));

        Assert.Equal("page_size", Assert.Single(BadRequests.Of(error)).Field);
    }
}
