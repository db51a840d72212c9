using Burst.Cloud.Compute;
using Burst.V1;

namespace Burst.ControlPlane.Providers.Gce;

/// <summary>The Compute Engine instance of one worker: what it boots, how it is scheduled, and what it is told.</summary>
internal static class GceInstances
{
    public const string CosImage = "projects/cos-cloud/global/images/family/cos-stable";

    /// <summary>The instance name of a worker: burst-JOB-WORKER (names are unique per project and zone).</summary>
    public static string Name(string jobId, string workerId) => ResourceNames.Resource("burst", jobId, workerId);

    public static Instance Build(WorkerLaunch launch, string zone, string name, string sourceImage, string startupScript, GceOptions options)
    {
        var spec = launch.Spec;
        var resources = spec.Resources ?? new Resources();
        var machineType = resources.MachineType is { Length: > 0 } type ? type : options.MachineType;
        var runtime = spec.Limits?.MaxRuntime is { } limit && limit.ToTimeSpan() > TimeSpan.Zero ? limit.ToTimeSpan() : options.DefaultMaxRuntime;

        var items = new List<MetadataItem>
        {
            new(GceMetadataKeys.ControlPlane, launch.ControlPlaneUrl),
            new(GceMetadataKeys.JobId, launch.JobId),
            new(GceMetadataKeys.WorkerId, launch.WorkerId),
            new(GceMetadataKeys.AgentToken, launch.AgentToken),
            new(GceMetadataKeys.TraceParent, launch.TraceParent),
            new(GceMetadataKeys.ExitAction, "delete-instance"),
            new(GceMetadataKeys.StartupScript, startupScript),

            // The startup script logs to the serial console; this sends the journal to Cloud Logging too.
            new("google-logging-enabled", "true"),
        };
        if (options.AgentCaFile is { Length: > 0 } caFile)
        {
            items.Add(new MetadataItem(GceMetadataKeys.CaCertificate, File.ReadAllText(caFile)));
        }

        if (resources.ContainerImage is { Length: > 0 } image)
        {
            items.Add(new MetadataItem(GceMetadataKeys.ContainerImage, image));
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in spec.Labels)
        {
            labels[key] = ResourceNames.LabelValue(value);
        }

        labels[GceMetadataKeys.ManagedLabel] = "true";
        labels[GceMetadataKeys.JobLabel] = ResourceNames.LabelValue(launch.JobId);
        labels[GceMetadataKeys.WorkerLabel] = ResourceNames.LabelValue(launch.WorkerId);

        return new Instance
        {
            Name = name,
            Description = $"burst job {launch.JobId}, worker {launch.WorkerId}",
            MachineType = $"zones/{zone}/machineTypes/{machineType}",
            Labels = labels,
            Metadata = new InstanceMetadata { Items = items },
            Disks =
            [
                new AttachedDisk
                {
                    Boot = true,
                    AutoDelete = true,
                    InitializeParams = new AttachedDiskInitializeParams
                    {
                        SourceImage = sourceImage,
                        DiskSizeGb = options.DiskSizeGb,
                        DiskType = $"zones/{zone}/diskTypes/{options.DiskType}",
                    },
                },
            ],
            NetworkInterfaces =
            [
                new NetworkInterface
                {
                    Network = options.Network,
                    Subnetwork = options.Subnetwork,
                    AccessConfigs = options.ExternalIp ? [new AccessConfig { Name = "External NAT", Type = "ONE_TO_ONE_NAT" }] : null,
                },
            ],
            ServiceAccounts = [new ServiceAccount(options.ServiceAccount, options.Scopes)],

            // maxRunDuration is the last safety net (DESIGN.md, invariant 2): even a VM everyone forgot ends.
            Scheduling = resources.Spot
                ? new Cloud.Compute.Scheduling
                {
                    ProvisioningModel = "SPOT",
                    InstanceTerminationAction = "DELETE",
                    AutomaticRestart = false,
                    OnHostMaintenance = "TERMINATE",
                    MaxRunDuration = new DurationValue { Seconds = (long)(runtime + options.RuntimeMargin).TotalSeconds },
                }
                : new Cloud.Compute.Scheduling
                {
                    ProvisioningModel = "STANDARD",
                    InstanceTerminationAction = "DELETE",
                    MaxRunDuration = new DurationValue { Seconds = (long)(runtime + options.RuntimeMargin).TotalSeconds },
                },
        };
    }

    /// <summary>"ZONE/NAME", as a worker's instance is recorded.</summary>
    public static string Recorded(string zone, string name) => $"{zone}/{name}";

    public static (string Zone, string Name)? ParseRecorded(string instance)
    {
        var slash = instance.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < instance.Length - 1 ? (instance[..slash], instance[(slash + 1)..]) : null;
    }
}
