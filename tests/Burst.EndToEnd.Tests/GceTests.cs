using Burst.EndToEnd.Tests.Infrastructure;
using Burst.Fakes;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.EndToEnd.Tests;

/// <summary>
/// The gce provider end to end: a real `burst server` talks to fakes of Compute Engine and Cloud
/// Storage through Google's variables, and every inserted instance runs a real burst-agent that
/// reads its settings from its own fake metadata server.
/// </summary>
public sealed class GceTests
{
    [Fact]
    public async Task A_gce_job_with_gs_data_and_output_succeeds_with_the_model_in_the_bucket_and_no_instance_left()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);
        var spec = GceSpec("run-1", zones: ["us-central1-a"]);
        spec.Labels["team"] = "Data Science";

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId);

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, $"{server.Log}\n{cloud.AgentLogs()}");
        Watcher.AssertContiguous(events);
        Assert.Equal(4, events.Count(e => e.KindCase == JobEvent.KindOneofCase.Trial));
        var result = events.Single(e => e.KindCase == JobEvent.KindOneofCase.Result).Result;
        Assert.Equal($"gs://{FakeGoogleCloud.ModelBucket}/run-1", result.ModelUri);
        Assert.True(result.TestMetrics.Accuracy > 0.8, $"accuracy {result.TestMetrics.Accuracy}");
        Assert.Equal(["run-1/burst-model.json", "run-1/model.json"], cloud.Storage.List(FakeGoogleCloud.ModelBucket));
        Assert.Contains("\"learner\"", System.Text.Encoding.UTF8.GetString(cloud.Storage.Get(FakeGoogleCloud.ModelBucket, "run-1/model.json")!.Data), StringComparison.Ordinal);

        // The VM as it was asked for: labels, attributes, the safety net and the startup script.
        var (zone, name, created) = Assert.Single(cloud.Compute.Inserts);
        Assert.True(created);
        Assert.Equal("us-central1-a", zone);
        var attached = events.First(e => e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.State == WorkerState.Attached).Worker;
        Assert.Equal($"us-central1-a/{name}", attached.Instance);

        await cloud.WaitForNoInstancesAsync(TimeSpan.FromSeconds(30));
        var final = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        Assert.True(final.Cost.VmSeconds > 0 && final.Cost.EstimatedUsd > 0, final.Cost.ToString());
        var lastCost = events.Last(e => e.KindCase == JobEvent.KindOneofCase.Cost).Cost;
        Assert.True(final.Cost.VmSeconds >= lastCost.VmSeconds);
        // The estimate is kept to the micro-dollar: compare within that, not by rounding both to 5 places (0.0002451 and 0.000245 round apart).
        Assert.Equal(0.134 * lastCost.VmSeconds / 3600, lastCost.EstimatedUsd, tolerance: 1e-6);
    }

    [Fact]
    public async Task The_instance_carries_its_job_in_labels_and_attributes_and_a_cloud_side_time_limit()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        cloud.Compute.AgentPath = null;
        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);
        var spec = GceSpec("labels", zones: ["europe-west4-b"]);
        spec.Resources.Spot = true;
        spec.Limits = new Limits { MaxRuntime = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) };

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var vm = await WaitForAsync(() => cloud.Compute.Instances.FirstOrDefault(), TimeSpan.FromSeconds(30));

        Assert.Equal("true", vm.Labels["burst-managed"]);
        Assert.Equal(job.JobId, vm.Labels["burst-job"]);
        Assert.Equal("w-1", vm.Labels["burst-worker"]);
        Assert.Equal(job.JobId, vm.Metadata["burst-job-id"]);
        Assert.Equal("w-1", vm.Metadata["burst-worker-id"]);
        Assert.Equal(server.Address, vm.Metadata["burst-control-plane"]);
        Assert.Equal(43, vm.Metadata["burst-agent-token"].Length);
        Assert.StartsWith("00-", vm.Metadata["burst-traceparent"], StringComparison.Ordinal);
        Assert.Equal("delete-instance", vm.Metadata["burst-exit-action"]);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "docker", "gce", "startup-script.sh")), vm.Metadata["startup-script"]);
        var scheduling = vm.Body["scheduling"]!;
        Assert.Equal("SPOT", scheduling["provisioningModel"]!.GetValue<string>());
        Assert.Equal("DELETE", scheduling["instanceTerminationAction"]!.GetValue<string>());
        Assert.Equal(((30 + 15) * 60).ToString(System.Globalization.CultureInfo.InvariantCulture), scheduling["maxRunDuration"]!["seconds"]!.ToString());
        Assert.EndsWith("zones/europe-west4-b/machineTypes/e2-standard-4", vm.Body["machineType"]!.GetValue<string>(), StringComparison.Ordinal);

        // Cancelled before any agent attached: the VM goes with the job.
        await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
        await cloud.WaitForNoInstancesAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_stockout_in_the_first_zone_moves_the_worker_to_the_next_zone()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        cloud.Compute.StockoutZones["us-central1-a"] = true;
        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = GceSpec("stockout", zones: ["us-central1-a", "us-central1-b"]) });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId);

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, $"{server.Log}\n{cloud.AgentLogs()}");
        Assert.Equal([("us-central1-a", false), ("us-central1-b", true)], cloud.Compute.Inserts.Select(i => (i.Zone, i.Created)));
        var attached = events.Single(e => e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.State == WorkerState.Attached).Worker;
        Assert.StartsWith("us-central1-b/", attached.Instance, StringComparison.Ordinal);
        Assert.Contains("ZONE_RESOURCE_POOL_EXHAUSTED", server.Log, StringComparison.Ordinal);
        await cloud.WaitForNoInstancesAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_preempted_vm_is_replaced_and_the_retry_resumes_without_recomputing_finished_trials()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);
        var spec = SlowGceSpec("preempted", configs: 6);
        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var trialsBefore = new List<int>();
        string? preempted = null;

        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: e =>
        {
            if (e.KindCase == JobEvent.KindOneofCase.Trial && preempted is null)
            {
                trialsBefore.Add(e.Trial.TrialId);
                if (trialsBefore.Count == 2)
                {
                    preempted = cloud.Compute.Instances.Single(i => i.Status == "RUNNING").Name;
                    cloud.Compute.Preempt(preempted);
                }
            }

            return Task.CompletedTask;
        });

        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, $"{server.Log}\n{cloud.AgentLogs()}");
        var lost = events.First(e => e.KindCase == JobEvent.KindOneofCase.Worker && e.Worker.State == WorkerState.Lost).Worker;
        Assert.Equal("w-1", lost.WorkerId);
        Assert.EndsWith(preempted!, lost.Instance, StringComparison.Ordinal);
        var trials = events.Where(e => e.KindCase == JobEvent.KindOneofCase.Trial).Select(e => e.Trial).ToList();
        Assert.Equal(6, trials.Select(t => t.TrialId).Distinct().Count());
        Assert.Equal(6, trials.Count);
        Assert.DoesNotContain(trials.Where(t => t.WorkerId != "w-1"), t => trialsBefore.Contains(t.TrialId));
        Assert.Contains(trials, t => t.WorkerId == "w-2");
        var final = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        Assert.Equal(1, final.Restarts);
        await cloud.WaitForNoInstancesAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(cloud.Compute.Deletions, d => d.Name == preempted);
    }

    [Fact]
    public async Task Planted_orphans_are_reaped_and_other_instances_are_left_alone()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        cloud.Compute.Plant("us-central1-a", "burst-j-gone0000000000-w-1", new Dictionary<string, string> { ["burst-managed"] = "true", ["burst-job"] = "j-gone0000000000", ["burst-worker"] = "w-1" });
        cloud.Compute.Plant("us-east1-b", "burst-nameless", new Dictionary<string, string> { ["burst-managed"] = "true" });
        cloud.Compute.Plant("us-central1-a", "web-frontend", new Dictionary<string, string> { ["team"] = "web" });
        cloud.Compute.Plant("us-central1-a", "burst-image-builder-1", new Dictionary<string, string> { ["burst-managed"] = "true", ["burst-role"] = "image-builder" });

        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);
        await WaitForAsync(() => cloud.Compute.Instances.Count == 2 ? "reaped" : null, TimeSpan.FromSeconds(30));

        Assert.Equal(["burst-image-builder-1", "web-frontend"], cloud.Compute.Instances.Select(i => i.Name).Order());
        Assert.Equal(["burst-j-gone0000000000-w-1", "burst-nameless"], cloud.Compute.Deletions.Select(d => d.Name).Order());
        Assert.Contains("its job j-gone0000000000 is unknown", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_whose_estimated_cost_reaches_max_cost_usd_fails_with_COST_LIMIT_and_its_vm_is_deleted()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);
        var spec = SlowGceSpec("costly", configs: 8);

        // The VM runs no agent, so the job cannot finish before its estimate reaches the limit, however
        // fast the machine: it only costs. The limit (about five VM-seconds) comes well before the
        // heartbeat timeout (10 s), both counted from the same insert. The decision itself is tested
        // with a fake clock in Burst.ControlPlane.Tests (Lifecycle/LimitsTests.cs).
        cloud.Compute.AgentPath = null;

        // e2-standard-4 at $0.134/hour: $0.0002 is about five VM-seconds.
        spec.Limits = new Limits { MaxCostUsd = 0.0002 };
        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec });
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId);

        var history = string.Join("\n", events);
        Assert.True(Watcher.FinalState(events) == JobState.Failed, $"{history}\n{server.Log}");
        var failure = events[^1].StateChanged;
        Assert.True(failure.Error.Reason == "COST_LIMIT", $"{history}\n{server.Log}");
        Assert.Contains("limits.max_cost_usd", failure.Error.Message, StringComparison.Ordinal);
        Assert.True(events[^2].KindCase == JobEvent.KindOneofCase.Cost, history);
        Assert.True(events[^2].Cost.EstimatedUsd >= 0.0002, history);
        await cloud.WaitForNoInstancesAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_gce_job_without_a_gs_output_folder_is_refused_at_submit_naming_the_field()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        await using var server = await BurstServer.StartAsync(environment: cloud.ServerEnvironment);
        var spec = GceSpec("x", zones: ["us-central1-a"]);
        spec.Output.ModelUri = "/tmp/models";
        spec.Dataset.TrainUri = "/home/me/adult.data";

        var e = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec }).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("spec.output.model_uri", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("spec.dataset.train_uri", e.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(cloud.Compute.Inserts);
    }

    [Fact]
    public async Task Image_build_leaves_exactly_one_image_in_the_family_and_no_vm()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        var before = cloud.Compute.Images.Count;

        var run = await ProcessRunner.RunAsync(
            Repo.Executable("burst"),
            ["image", "build", "--family", "burst-fresh", "--zone", "us-central1-c", "--agent-package", "gs://burst-data/burst-agent.tar.gz"],
            TimeSpan.FromMinutes(2),
            environment: cloud.ServerEnvironment);

        Assert.True(run.ExitCode == 0, run.ToString());
        var image = Assert.Single(cloud.Compute.Images, i => i["family"]!.GetValue<string>() == "burst-fresh");
        Assert.Equal(before + 1, cloud.Compute.Images.Count);
        Assert.Matches("^zones/us-central1-c/disks/burst-image-builder-", image["sourceDisk"]!.GetValue<string>());
        Assert.Empty(cloud.Compute.Instances);
        Assert.Contains("Builder VM deleted.", run.StdOut, StringComparison.Ordinal);
        Assert.Contains($"Image {image["name"]!.GetValue<string>()} is ready", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_image_build_makes_no_image_and_still_deletes_the_builder()
    {
        await using var cloud = await FakeGoogleCloud.StartAsync();
        cloud.Compute.BuilderOutcome = "failed";
        var before = cloud.Compute.Images.Count;

        var run = await ProcessRunner.RunAsync(
            Repo.Executable("burst"),
            ["image", "build", "--family", "burst-fresh", "--agent-package", "https://example.invalid/burst-agent.tar.gz"],
            TimeSpan.FromMinutes(2),
            environment: cloud.ServerEnvironment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the build script failed", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, cloud.Compute.Images.Count);
        Assert.Empty(cloud.Compute.Instances);
    }

    /// <summary>A quick census search on gs:// data: 4 sampled configs, 2 folds.</summary>
    private static JobSpec GceSpec(string output, IReadOnlyList<string> zones) => new()
    {
        DisplayName = "e2e gce " + output,
        Dataset = new Dataset { TrainUri = FakeGoogleCloud.TrainUri, TestUri = FakeGoogleCloud.TestUri },
        Search = new Search { Trials = 4, Folds = 2, Seed = 11 },
        Resources = new Resources { Provider = "gce", MachineType = "e2-standard-4", Zones = { zones } },
        Output = new Output { ModelUri = $"gs://{FakeGoogleCloud.ModelBucket}/{output}" },
    };

    /// <summary>Explicit configs slow enough to interrupt between trials (deep trees, many rounds, one thread).</summary>
    private static JobSpec SlowGceSpec(string output, int configs)
    {
        var spec = GceSpec(output, ["us-central1-a"]);
        spec.Search = new Search { Strategy = SearchStrategy.Explicit, Folds = 2, Threads = 1 };
        for (var i = 0; i < configs; i++)
        {
            var config = new ParamSet();
            config.Values.Add("max_depth", 7);
            config.Values.Add("learning_rate", 0.05 + (0.01 * i));
            config.Values.Add("n_estimators", 200);
            spec.Search.Configs.Add(config);
        }

        return spec;
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(100);
        }
    }
}
