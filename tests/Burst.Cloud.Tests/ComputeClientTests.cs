using System.Net;
using Burst.Cloud.Compute;
using Burst.Fakes;

namespace Burst.Cloud.Tests;

public sealed class ComputeClientTests : IAsyncLifetime
{
    private const string Zone = "us-central1-a";
    private FakeComputeEngine _fake = null!;
    private ComputeClient _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeComputeEngine.StartAsync("test-project");
        _client = ComputeClient.Create(new Uri(_fake.BaseUrl), "test-project", retry: new RetryPolicy(4, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50)));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task An_inserted_instance_is_running_once_its_operation_is_done_and_is_gone_after_delete()
    {
        var operation = await _client.InsertInstanceAsync(Zone, Vm("vm-1", ("burst-managed", "true")), CancellationToken.None);
        Assert.False(operation.IsDone);
        var done = await _client.WaitAsync(operation, CancellationToken.None);
        Assert.True(done.IsDone);

        var instance = await _client.GetInstanceAsync(Zone, "vm-1", CancellationToken.None);
        Assert.Equal("RUNNING", instance!.Status);
        Assert.Equal(Zone, instance.ZoneName);
        Assert.Equal("true", instance.Labels!["burst-managed"]);
        Assert.EndsWith("zones/us-central1-a/machineTypes/e2-standard-2", instance.MachineType, StringComparison.Ordinal);

        var deletion = await _client.DeleteInstanceAsync(Zone, "vm-1", CancellationToken.None);
        await _client.WaitAsync(deletion!, CancellationToken.None);
        Assert.Null(await _client.GetInstanceAsync(Zone, "vm-1", CancellationToken.None));
        Assert.Null(await _client.DeleteInstanceAsync(Zone, "vm-1", CancellationToken.None));
    }

    [Fact]
    public async Task Listing_with_a_label_filter_returns_only_the_matching_instances_of_every_zone()
    {
        _fake.Plant(Zone, "managed-a", new Dictionary<string, string> { ["burst-managed"] = "true", ["burst-job"] = "j-1" });
        _fake.Plant("europe-west4-b", "managed-b", new Dictionary<string, string> { ["burst-managed"] = "true", ["burst-job"] = "j-2" });
        _fake.Plant(Zone, "someone-elses", new Dictionary<string, string> { ["team"] = "web" });

        var everywhere = await _client.ListAllInstancesAsync("labels.burst-managed = \"true\"", CancellationToken.None);
        var inZone = await _client.ListInstancesAsync(Zone, "labels.burst-managed = \"true\"", CancellationToken.None);
        var oneJob = await _client.ListAllInstancesAsync("labels.burst-managed = \"true\" AND labels.burst-job = \"j-2\"", CancellationToken.None);

        Assert.Equal(["managed-a", "managed-b"], everywhere.Select(i => i.Name!).Order());
        Assert.Equal(["managed-a"], inZone.Select(i => i.Name!));
        Assert.Equal("europe-west4-b", Assert.Single(oneJob).ZoneName);
    }

    [Fact]
    public async Task A_429_is_retried_and_the_insert_then_succeeds()
    {
        _fake.InjectErrors(2, 429, "rateLimitExceeded", r => r.Method == "POST");

        var operation = await _client.InsertInstanceAsync(Zone, Vm("vm-retried"), CancellationToken.None);
        await _client.WaitAsync(operation, CancellationToken.None);

        Assert.Equal(3, _fake.Requests.Count(r => r == $"POST /compute/v1/projects/test-project/zones/{Zone}/instances"));
        Assert.NotNull(_fake.Find("vm-retried"));
    }

    [Fact]
    public async Task A_refusal_that_is_not_transient_is_thrown_at_once_with_its_status_reason_and_message()
    {
        _fake.InjectErrors(1, 403, "forbidden");

        var e = await Assert.ThrowsAsync<ComputeApiException>(() => _client.GetInstanceAsync(Zone, "vm-x", CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
        Assert.True(e.HasReason("forbidden"));
        Assert.Contains("injected 403", e.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Requests);
    }

    [Fact]
    public async Task Retries_give_up_after_the_policy_s_attempts()
    {
        _fake.InjectErrors(10, 503, "backendError");

        var e = await Assert.ThrowsAsync<ComputeApiException>(() => _client.GetInstanceAsync(Zone, "vm-x", CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.Equal(4, _fake.Requests.Count);
    }

    [Fact]
    public async Task A_stockout_fails_the_operation_with_ZONE_RESOURCE_POOL_EXHAUSTED()
    {
        _fake.StockoutZones[Zone] = true;

        var operation = await _client.InsertInstanceAsync(Zone, Vm("vm-stockout"), CancellationToken.None);
        var e = await Assert.ThrowsAsync<ComputeOperationException>(() => _client.WaitAsync(operation, CancellationToken.None));

        Assert.True(e.HasCode("ZONE_RESOURCE_POOL_EXHAUSTED"));
        Assert.Null(_fake.Find("vm-stockout"));
    }

    [Fact]
    public async Task An_image_made_from_a_stopped_instance_s_disk_is_the_newest_of_its_family()
    {
        Assert.Null(await _client.GetImageFromFamilyAsync("test-project", "burst-agent", CancellationToken.None));
        var debian = await _client.GetImageFromFamilyAsync("debian-cloud", "debian-12", CancellationToken.None);
        Assert.Equal("debian-12", debian!.Family);
        _fake.Plant(Zone, "builder", new Dictionary<string, string>()).Status = "TERMINATED";

        var operation = await _client.InsertImageAsync(new Image { Name = "burst-agent-1", Family = "burst-agent", SourceDisk = $"zones/{Zone}/disks/builder" }, CancellationToken.None);
        await _client.WaitAsync(operation, CancellationToken.None);

        Assert.Equal("burst-agent-1", (await _client.GetImageFromFamilyAsync("test-project", "burst-agent", CancellationToken.None))!.Name);
        Assert.Equal(["burst-agent-1"], (await _client.ListImagesAsync(null, CancellationToken.None)).Select(i => i.Name));
    }

    private static Instance Vm(string name, params (string Key, string Value)[] labels) => new()
    {
        Name = name,
        MachineType = $"zones/{Zone}/machineTypes/e2-standard-2",
        Disks = [new AttachedDisk { Boot = true, AutoDelete = true, InitializeParams = new AttachedDiskInitializeParams { SourceImage = "projects/debian-cloud/global/images/family/debian-12" } }],
        NetworkInterfaces = [new NetworkInterface { Network = "global/networks/default" }],
        Labels = labels.ToDictionary(l => l.Key, l => l.Value),
    };
}
