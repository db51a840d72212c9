using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Burst.Cloud.Compute;
using Burst.Cloud.Pricing;
using Burst.ControlPlane.Store;
using Burst.V1;
using Google.Rpc;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Providers.Gce;

/// <summary>
/// Workers as Compute Engine VMs: one instance per worker, booted from the job's image family (or
/// Container-Optimized OS running its container image), told everything through instance attributes,
/// labelled burst-managed=true and burst-job=JOB, and capped by scheduling.maxRunDuration. Zones are
/// tried in order; one out of resources or quota passes the VM to the next. Each VM's status is
/// polled, and a VM that is gone, stopping or TERMINATED (a Spot preemption, a crash) is reported as
/// a worker exit, so the coordinator replaces it. Stopping a worker deletes its VM.
/// </summary>
internal sealed partial class GceWorkerProvider(
    ComputeClient compute,
    IOptions<GceOptions> options,
    PriceTable prices,
    GceStartupScript startupScript,
    WorkerExits exits,
    TimeProvider time,
    ILogger<GceWorkerProvider> logger) : IWorkerProvider, IDisposable
{
    public const string ProviderName = "gce";

    /// <summary>Operation error codes and API reasons that mean "not here, not now": try the next zone.</summary>
    private static readonly HashSet<string> CapacityErrors = new(StringComparer.OrdinalIgnoreCase)
    {
        "ZONE_RESOURCE_POOL_EXHAUSTED", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", "RESOURCE_POOL_EXHAUSTED",
        "QUOTA_EXCEEDED", "STOCKOUT", "RESOURCE_NOT_AVAILABLE", "quotaExceeded", "resourceExhausted",
    };

    private static readonly HashSet<string> EndedStatuses = new(StringComparer.Ordinal) { "STOPPING", "STOPPED", "SUSPENDING", "SUSPENDED", "TERMINATED" };

    private readonly ConcurrentDictionary<(string JobId, string WorkerId), CancellationTokenSource> _watchers = new();
    private readonly CancellationTokenSource _disposed = new();
    private int _disposeCount;

    private GceOptions Options => options.Value;

    public string Name => ProviderName;

    public void FillDefaults(JobSpec spec, string jobId)
    {
        var resources = spec.Resources ??= new Resources();
        if (resources.MachineType.Length == 0)
        {
            resources.MachineType = Options.MachineType;
        }

        if (resources.Zones.Count == 0)
        {
            resources.Zones.AddRange(Options.Zones);
        }

        if (resources.ImageFamily.Length == 0 && resources.ContainerImage.Length == 0)
        {
            resources.ImageFamily = Options.ImageFamily;
        }

        var output = spec.Output ??= new Output();
        if (output.ModelUri.Length == 0 && Options.OutputPrefix is { Length: > 0 } prefix)
        {
            output.ModelUri = prefix.TrimEnd('/') + "/" + jobId;
        }
    }

    public IReadOnlyList<BadRequest.Types.FieldViolation> CheckSpec(JobSpec spec)
    {
        var violations = new List<BadRequest.Types.FieldViolation>();
        void Add(string field, string description) => violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });

        // The agent runs on the VM: a path on the control plane's disk means nothing there.
        foreach (var (field, uri) in new[] { ("spec.dataset.train_uri", spec.Dataset?.TrainUri ?? ""), ("spec.dataset.test_uri", spec.Dataset?.TestUri ?? "") })
        {
            if (uri.Length > 0 && !uri.StartsWith("gs://", StringComparison.OrdinalIgnoreCase) && !uri.StartsWith("bundled://", StringComparison.Ordinal))
            {
                Add(field, $"a gce job reads its data on the VM: use a gs:// URI (or the bundled census data), got '{uri}'.");
            }
        }

        var model = spec.Output?.ModelUri ?? "";
        if (!model.StartsWith("gs://", StringComparison.OrdinalIgnoreCase))
        {
            Add("spec.output.model_uri", model.Length == 0
                ? "a gce job writes its model to Cloud Storage: give a gs://BUCKET/FOLDER (or set Burst:Gce:OutputPrefix on the control plane)."
                : $"a gce job writes its model to Cloud Storage: use a gs:// folder, got '{model}'.");
        }

        var resources = spec.Resources ?? new Resources();
        foreach (var zone in resources.Zones)
        {
            if (!ZoneName().IsMatch(zone))
            {
                Add("spec.resources.zones", $"'{zone}' is not a zone name such as us-central1-a.");
            }
        }

        if (!MachineTypeName().IsMatch(resources.MachineType))
        {
            Add("spec.resources.machine_type", $"'{resources.MachineType}' is not a machine type name such as c3-highcpu-44.");
        }
        else if (spec.Limits?.MaxCostUsd > 0 && prices.Find(resources.MachineType) is null)
        {
            Add("spec.limits.max_cost_usd", $"no price is known for machine type {resources.MachineType}, so the cost limit cannot be kept: add it to the price table (Burst:Gce:PriceTable).");
        }

        if (resources.ContainerImage.Length > 0 && resources.ImageFamily.Length > 0)
        {
            Add("spec.resources.container_image", "give either image_family (a VM image with burst-agent) or container_image (run on Container-Optimized OS), not both.");
        }

        return violations;
    }

    public double HourlyPriceUsd(JobSpec spec)
    {
        var machineType = spec.Resources?.MachineType is { Length: > 0 } type ? type : Options.MachineType;
        if (prices.Find(machineType) is { } price)
        {
            return price.PerHour(spec.Resources?.Spot ?? false);
        }

        logger.NoPrice(machineType);
        return 0;
    }

    public async Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        var resources = launch.Spec.Resources ?? new Resources();
        var zones = resources.Zones.Count > 0 ? resources.Zones.ToList() : Options.Zones;
        var name = GceInstances.Name(launch.JobId, launch.WorkerId);
        var sourceImage = await SourceImageAsync(resources, cancellationToken);
        var script = startupScript.Text;
        var failures = new List<string>();
        foreach (var zone in zones)
        {
            var instance = GceInstances.Build(launch, zone, name, sourceImage, script, Options);
            logger.Inserting(launch.JobId, name, instance.MachineType!, resources.Spot, zone);
            try
            {
                var operation = await compute.InsertInstanceAsync(zone, instance, cancellationToken);
                await compute.WaitAsync(operation, cancellationToken);
            }
            catch (ComputeOperationException e) when (e.Codes.Any(CapacityErrors.Contains))
            {
                logger.ZoneUnavailable(launch.JobId, zone, name, string.Join(", ", e.Codes));
                failures.Add($"{zone}: {string.Join(", ", e.Codes)}");
                continue;
            }
            catch (ComputeApiException e) when (e.Reasons.Any(CapacityErrors.Contains))
            {
                logger.ZoneUnavailable(launch.JobId, zone, name, string.Join(", ", e.Reasons));
                failures.Add($"{zone}: {string.Join(", ", e.Reasons)}");
                continue;
            }
            catch (ComputeApiException e) when (e.Status == HttpStatusCode.Conflict)
            {
                // alreadyExists: an earlier attempt of this very launch got through.
            }

            logger.Inserted(launch.JobId, launch.WorkerId, name, zone);
            Watch(launch.JobId, launch.WorkerId, zone, name);
            return new WorkerInstance(GceInstances.Recorded(zone, name));
        }

        throw new InvalidOperationException($"no zone could take instance {name} ({resources.MachineType}): {string.Join("; ", failures)}.");
    }

    public async Task StopAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        if (_watchers.TryRemove((worker.JobId, worker.WorkerId), out var watcher))
        {
            await watcher.CancelAsync();
            watcher.Dispose();
        }

        var location = GceInstances.ParseRecorded(worker.Instance) ?? await FindAsync(worker, cancellationToken);
        if (location is not { } found)
        {
            return;
        }

        var operation = await compute.DeleteInstanceAsync(found.Zone, found.Name, cancellationToken);
        if (operation is not null)
        {
            await compute.WaitAsync(operation, cancellationToken);
            logger.Deleted(worker.JobId, worker.WorkerId, found.Zone, found.Name);
        }
    }

    public async Task<WorkerLiveness> AdoptAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        if (GceInstances.ParseRecorded(worker.Instance) is not { } location)
        {
            return WorkerLiveness.Unknown;
        }

        var instance = await compute.GetInstanceAsync(location.Zone, location.Name, cancellationToken);
        if (instance is null || EndedStatuses.Contains(instance.Status ?? ""))
        {
            return WorkerLiveness.Gone;
        }

        logger.Adopted(worker.JobId, worker.WorkerId, location.Zone, location.Name, instance.Status ?? "");
        Watch(worker.JobId, worker.WorkerId, location.Zone, location.Name);
        return WorkerLiveness.Alive;
    }

    public void Dispose()
    {
        // Registered under two service types, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposeCount, 1) == 0)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }

    private async Task<string> SourceImageAsync(Resources resources, CancellationToken cancellationToken)
    {
        if (resources.ContainerImage.Length > 0)
        {
            return GceInstances.CosImage;
        }

        var family = resources.ImageFamily.Length > 0 ? resources.ImageFamily : Options.ImageFamily;
        var project = Options.ImageProject ?? compute.Project;
        var image = await compute.GetImageFromFamilyAsync(project, family, cancellationToken)
            ?? throw new InvalidOperationException($"the image family '{family}' of project {project} has no image: build one with `burst image build --family {family}`.");
        return image.SelfLink ?? $"projects/{project}/global/images/family/{family}";
    }

    /// <summary>A worker whose instance was never recorded (the control plane stopped mid-insert): found by its labels.</summary>
    private async Task<(string Zone, string Name)?> FindAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        var filter = $"{GceMetadataKeys.ManagedFilter} AND labels.{GceMetadataKeys.JobLabel} = \"{ResourceNames.LabelValue(worker.JobId)}\" AND labels.{GceMetadataKeys.WorkerLabel} = \"{ResourceNames.LabelValue(worker.WorkerId)}\"";
        var found = (await compute.ListAllInstancesAsync(filter, cancellationToken)).FirstOrDefault();
        return found?.Name is { } name && found.ZoneName is { } zone ? (zone, name) : null;
    }

    private void Watch(string jobId, string workerId, string zone, string name)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        if (_watchers.TryRemove((jobId, workerId), out var previous))
        {
            previous.Cancel();
            previous.Dispose();
        }

        _watchers[(jobId, workerId)] = stop;
        _ = WatchAsync(jobId, workerId, zone, name, stop.Token);
    }

    /// <summary>Polls one VM until it ends on its own (reported as the worker's exit) or its worker is stopped.</summary>
    private async Task WatchAsync(string jobId, string workerId, string zone, string name, CancellationToken stop)
    {
        try
        {
            using var timer = new PeriodicTimer(Options.StatusPollInterval, time);
            while (await timer.WaitForNextTickAsync(stop))
            {
                Cloud.Compute.Instance? instance;
                try
                {
                    instance = await compute.GetInstanceAsync(zone, name, stop);
                }
                catch (Exception e) when (e is ComputeApiException or HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
                {
                    logger.PollFailed(e, zone, name);
                    continue;
                }

                var description = instance is null
                    ? $"the instance {zone}/{name} is gone (deleted outside burst, or a Spot VM reclaimed)"
                    : EndedStatuses.Contains(instance.Status ?? "")
                        ? $"the instance {zone}/{name} is {instance.Status}{(string.IsNullOrEmpty(instance.StatusMessage) ? "" : $" ({instance.StatusMessage})")}: a Spot preemption, a host error, or the agent ended and powered it off"
                        : null;
                if (description is not null)
                {
                    logger.InstanceEnded(jobId, workerId, description);
                    _watchers.TryRemove((jobId, workerId), out _);
                    exits.Report(new WorkerExit(jobId, workerId, description));
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The worker was stopped, or the control plane is stopping (a successor adopts the VM).
        }
    }

    [GeneratedRegex("^[a-z]+-[a-z]+[0-9]+-[a-z]$")]
    private static partial Regex ZoneName();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex MachineTypeName();
}
