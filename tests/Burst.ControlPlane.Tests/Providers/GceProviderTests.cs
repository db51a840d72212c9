using Burst.ControlPlane.Lifecycle;
using Burst.Cloud.Compute;
using Burst.Cloud.Pricing;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Providers.Gce;
using Burst.ControlPlane.Runtime;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Tests.Providers;

public sealed class GceProviderTests
{
    private static readonly GceOptions Options = new() { Project = "p", OutputPrefix = "gs://models/burst" };

    [Fact]
    public void Defaults_fill_the_machine_type_zones_image_family_and_a_gs_output_folder()
    {
        using var provider = Provider();
        var spec = new JobSpec { Resources = new Resources { Provider = "gce" } };

        provider.FillDefaults(spec, "j-1");

        Assert.Equal("e2-standard-8", spec.Resources.MachineType);
        Assert.Equal(Options.Zones, spec.Resources.Zones);
        Assert.Equal("burst-agent", spec.Resources.ImageFamily);
        Assert.Equal("gs://models/burst/j-1", spec.Output.ModelUri);
        Assert.Empty(provider.CheckSpec(spec));
    }

    [Fact]
    public void Paths_on_the_control_plane_s_disk_and_unknown_prices_under_a_cost_limit_are_refused()
    {
        using var provider = Provider();
        var spec = new JobSpec
        {
            Dataset = new Dataset { TrainUri = "/data/adult.data", TestUri = "gs://b/adult.test" },
            Resources = new Resources { MachineType = "a9-mystery-8", Zones = { "us-central1-a", "moon" } },
            Limits = new Limits { MaxCostUsd = 1 },
            Output = new Output { ModelUri = "file:///tmp/m" },
        };

        var fields = provider.CheckSpec(spec).Select(v => v.Field).ToList();

        Assert.Equal(["spec.dataset.train_uri", "spec.output.model_uri", "spec.resources.zones", "spec.limits.max_cost_usd"], fields);
    }

    [Fact]
    public void A_spot_worker_is_a_spot_vm_deleted_at_preemption_with_the_runtime_limit_plus_margin()
    {
        var launch = Launch(new JobSpec
        {
            Resources = new Resources { MachineType = "c3-highcpu-44", Spot = true },
            Limits = new Limits { MaxRuntime = Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
        });

        var vm = GceInstances.Build(launch, "us-central1-a", "burst-j-1-w-1", "projects/p/global/images/burst-1", "#!/bin/bash", Options);

        Assert.Equal("zones/us-central1-a/machineTypes/c3-highcpu-44", vm.MachineType);
        Assert.Equal("SPOT", vm.Scheduling!.ProvisioningModel);
        Assert.Equal("DELETE", vm.Scheduling.InstanceTerminationAction);
        Assert.Equal(75 * 60, vm.Scheduling.MaxRunDuration!.Seconds);
        Assert.Equal("j-1", vm.Labels!["burst-job"]);
        Assert.Equal("tok", vm.Metadata!["burst-agent-token"]);
        Assert.Null(vm.Metadata["burst-container-image"]);
        Assert.Equal("ONE_TO_ONE_NAT", vm.NetworkInterfaces![0].AccessConfigs![0].Type);
    }

    [Fact]
    public void A_container_worker_boots_container_optimized_os_and_names_its_image()
    {
        var launch = Launch(new JobSpec { Resources = new Resources { ContainerImage = "us-docker.pkg.dev/p/burst/agent:1" } });

        var vm = GceInstances.Build(launch, "us-central1-a", "n", GceInstances.CosImage, "#!/bin/bash", Options);

        Assert.Equal("projects/cos-cloud/global/images/family/cos-stable", vm.Disks![0].InitializeParams!.SourceImage);
        Assert.Equal("us-docker.pkg.dev/p/burst/agent:1", vm.Metadata!["burst-container-image"]);
        Assert.Equal("STANDARD", vm.Scheduling!.ProvisioningModel);
        Assert.Equal((6 * 60 + 15) * 60, vm.Scheduling.MaxRunDuration!.Seconds);
    }

    [Fact]
    public void The_price_is_the_price_table_s_for_the_machine_type_and_spot()
    {
        using var provider = Provider();

        Assert.Equal(0.1340, provider.HourlyPriceUsd(new JobSpec { Resources = new Resources { MachineType = "e2-standard-4" } }));
        Assert.Equal(0.0402, provider.HourlyPriceUsd(new JobSpec { Resources = new Resources { MachineType = "e2-standard-4", Spot = true } }));
        Assert.Equal(0, provider.HourlyPriceUsd(new JobSpec { Resources = new Resources { MachineType = "x1-unknown" } }));
    }

    [Fact]
    public void The_cost_meter_counts_each_vm_from_start_to_stop_at_one_hourly_price()
    {
        var t0 = DateTimeOffset.Parse("2026-11-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var meter = CostLedger.For(3.6, new Job { Cost = new Cost { VmSeconds = 10 } })!
            .Start("w-1", t0)
            .Start("w-2", t0.AddSeconds(10))
            .Stop("w-1", t0.AddSeconds(20));
        var cost = meter.Measure(t0.AddSeconds(30));

        Assert.Equal(10 + 20 + 20, cost.VmSeconds);
        Assert.Equal(50 * 3.6 / 3600, cost.EstimatedUsd, 9);
        Assert.Null(CostLedger.For(0, new Job()));
    }

    private static GceWorkerProvider Provider() => new(
        ComputeClient.Create(new Uri("http://127.0.0.1:9/compute/v1/"), "p"),
        Microsoft.Extensions.Options.Options.Create(Options),
        PriceTable.Default,
        new GceStartupScript(Microsoft.Extensions.Options.Options.Create(Options)),
        new WorkerExits(),
        TimeProvider.System,
        NullLogger<GceWorkerProvider>.Instance);

    private static WorkerLaunch Launch(JobSpec spec) => new("j-1", "w-1", "http://10.0.0.2:50051", "tok", "00-abc-def-01", spec);
}

public sealed class GceSetupTests
{
    [Fact]
    public async Task A_control_plane_given_a_project_has_the_gce_provider_and_starts_and_stops_cleanly()
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-gce-setup").FullName;
        await using var app = ControlPlaneApp.Build(
            new ControlPlaneOptions { Listen = "http://127.0.0.1:0", DataDir = dataDir },
            ["--Burst:Gce:Project=p", "--Burst:Gce:ApiEndpoint=http://127.0.0.1:9/compute/v1/"]);

        await app.StartAsync();
        var names = app.Services.GetRequiredService<WorkerProviders>().Names.Order().ToList();
        await app.StopAsync();

        Assert.Equal(["gce", "local"], names);
    }

    [Fact]
    public async Task Without_a_project_there_is_no_gce_provider()
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-gce-setup").FullName;
        await using var app = ControlPlaneApp.Build(new ControlPlaneOptions { Listen = "http://127.0.0.1:0", DataDir = dataDir });

        Assert.Equal(Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT") is { Length: > 0 }, app.Services.GetRequiredService<WorkerProviders>().Find("gce") is not null);
        Assert.True(GceSetup.IsConfigured(new ConfigurationBuilder().AddInMemoryCollection([new("Burst:Gce:Project", "p")]).Build()));
    }
}
