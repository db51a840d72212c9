using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Jobs;

public sealed class ConcurrentSubmitTests
{
    [Fact]
    public async Task Fifty_concurrent_submits_are_all_answered_and_all_there_after_a_restart()
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-cp-submits-").FullName;
        try
        {
            List<string> ids;
            await using (var cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null }, dataDir: dataDir))
            {
                var jobs = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cp.SubmitAsync()));
                ids = [.. jobs.Select(j => j.JobId)];
            }

            await using var restarted = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null }, dataDir: dataDir);
            var listed = await restarted.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 100 });

            Assert.Equal(50, ids.Distinct().Count());
            Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Jobs.Select(j => j.JobId).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Concurrent_retries_of_one_request_get_one_job_and_a_different_spec_under_that_id_is_refused()
    {
        await using var cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null });

        var jobs = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => cp.SubmitAsync(TestControlPlane.SmallSpec(), requestId: "one-request")));
        var conflict = await Assert.ThrowsAsync<RpcException>(() => cp.SubmitAsync(TestControlPlane.SmallSpec(trials: 7), requestId: "one-request"));
        var listed = await cp.Jobs.ListJobsAsync(new ListJobsRequest());

        Assert.Single(jobs.Select(j => j.JobId).Distinct());
        Assert.Equal(StatusCode.AlreadyExists, conflict.StatusCode);
        Assert.Contains(jobs[0].JobId, conflict.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(jobs[0].JobId, Assert.Single(listed.Jobs).JobId);
    }
}
