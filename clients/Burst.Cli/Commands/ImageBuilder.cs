using System.Globalization;
using System.Reflection;
using Burst.Cloud;
using Burst.Cloud.Compute;

namespace Burst.Cli.Commands;

/// <summary>What <c>burst image build</c> was asked for.</summary>
internal sealed record ImageBuildRequest(
    string Family,
    string AgentPackage,
    string Zone,
    string BaseImageFamily,
    string BaseImageProject,
    string MachineType,
    TimeSpan Timeout);

/// <summary>The build went wrong; the builder VM is deleted all the same.</summary>
internal sealed class ImageBuildException(string message) : Exception(message);

/// <summary>
/// Builds a gce worker image in one go: starts a builder VM from the base image whose startup script
/// (docker/gce/image-build.sh) installs the .NET runtime, libxgboost0 and burst-agent, waits until it
/// reports burst/image-build=done in a guest attribute and powers off, makes an image in the family
/// from its boot disk, and deletes the builder VM, on failure too. Progress goes to <paramref name="output"/>.
/// </summary>
internal sealed class ImageBuilder(ComputeClient compute, TextWriter output, TimeProvider time)
{
    public const string GuestAttribute = "burst/image-build";

    /// <summary>How often the builder is looked at; a build takes minutes.</summary>
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Returns the new image's name.</summary>
    public async Task<string> BuildAsync(ImageBuildRequest request, CancellationToken ct)
    {
        var baseImage = await compute.GetImageFromFamilyAsync(request.BaseImageProject, request.BaseImageFamily, ct)
            ?? throw new ImageBuildException($"the image family {request.BaseImageFamily} of project {request.BaseImageProject} has no image");
        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var builder = ResourceNames.Resource("burst-image-builder", stamp);
        Say($"Base image: {baseImage.Name} ({request.BaseImageProject}/{request.BaseImageFamily})");

        var insert = await compute.InsertInstanceAsync(request.Zone, BuilderInstance(request, builder, baseImage), ct);
        try
        {
            await compute.WaitAsync(insert, ct);
            Say($"Builder VM {request.Zone}/{builder} started; it installs the .NET runtime, libxgboost0 and burst-agent from {request.AgentPackage}.");
            Say($"  (its log: gcloud compute instances get-serial-port-output {builder} --zone {request.Zone} --project {compute.Project})");
            await WaitForBuilderAsync(request, builder, ct);

            var image = ResourceNames.Resource(request.Family, stamp);
            Say($"Creating image {image} in family {request.Family} from the builder's disk...");
            var create = await compute.InsertImageAsync(
                new Image
                {
                    Name = image,
                    Family = request.Family,
                    SourceDisk = $"zones/{request.Zone}/disks/{builder}",
                    Description = $"burst worker: burst-agent from {request.AgentPackage} on {baseImage.Name}",
                    Labels = new Dictionary<string, string> { ["burst-image"] = "true" },
                },
                ct);
            await compute.WaitAsync(create, ct);
            Say($"Image {image} is ready: gce jobs with resources.image_family {request.Family} boot from it.");
            return image;
        }
        finally
        {
            Say($"Deleting the builder VM {builder}...");
            if (await compute.DeleteInstanceAsync(request.Zone, builder, CancellationToken.None) is { } deletion)
            {
                await compute.WaitAsync(deletion, CancellationToken.None);
            }

            Say("Builder VM deleted.");
        }
    }

    private async Task WaitForBuilderAsync(ImageBuildRequest request, string builder, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + request.Timeout;
        var lastStatus = "";
        while (true)
        {
            var attributes = await compute.GetGuestAttributesAsync(request.Zone, builder, GuestAttribute, ct);
            var outcome = attributes.FirstOrDefault(a => $"{a.Namespace}/{a.Key}" == GuestAttribute)?.Value;
            var instance = await compute.GetInstanceAsync(request.Zone, builder, ct)
                ?? throw new ImageBuildException($"the builder VM {builder} vanished before it was done");
            if (instance.Status != lastStatus)
            {
                lastStatus = instance.Status ?? "";
                Say($"  builder: {lastStatus}{(outcome is null ? "" : $", build {outcome}")}");
            }

            if (outcome == "failed")
            {
                throw new ImageBuildException($"the build script failed on {builder}: see its serial console output");
            }

            if (instance.Status == "TERMINATED")
            {
                if (outcome == "done")
                {
                    Say("  builder: done and powered off");
                    return;
                }

                throw new ImageBuildException($"the builder VM {builder} powered off without reporting {GuestAttribute}=done: see its serial console output");
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new ImageBuildException($"the builder VM {builder} did not finish within {request.Timeout}");
            }

            await Task.Delay(PollInterval, time, ct);
        }
    }

    private static Instance BuilderInstance(ImageBuildRequest request, string name, Image baseImage) => new()
    {
        Name = name,
        Description = $"burst image build of family {request.Family}",
        MachineType = $"zones/{request.Zone}/machineTypes/{request.MachineType}",

        // Not burst-job: the reaper leaves the builder to this command (and to maxRunDuration).
        Labels = new Dictionary<string, string> { ["burst-managed"] = "true", ["burst-role"] = "image-builder" },
        Metadata = new InstanceMetadata
        {
            Items =
            [
                new MetadataItem("startup-script", BuildScript()),
                new MetadataItem("burst-agent-package", request.AgentPackage),
                new MetadataItem("enable-guest-attributes", "TRUE"),
            ],
        },
        Disks =
        [
            new AttachedDisk
            {
                Boot = true,
                AutoDelete = true,
                InitializeParams = new AttachedDiskInitializeParams
                {
                    SourceImage = baseImage.SelfLink ?? $"projects/{request.BaseImageProject}/global/images/family/{request.BaseImageFamily}",
                    DiskName = name,
                    DiskSizeGb = 20,
                },
            },
        ],
        NetworkInterfaces = [new NetworkInterface { Network = "global/networks/default", AccessConfigs = [new AccessConfig { Name = "External NAT", Type = "ONE_TO_ONE_NAT" }] }],
        ServiceAccounts = [new ServiceAccount("default", [CloudEndpoints.CloudPlatformScope])],
        Scheduling = new Scheduling
        {
            ProvisioningModel = "STANDARD",
            InstanceTerminationAction = "DELETE",
            MaxRunDuration = new DurationValue { Seconds = (long)(request.Timeout + TimeSpan.FromMinutes(10)).TotalSeconds },
        },
    };

    private static string BuildScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Burst.Cli.image-build.sh")
            ?? throw new InvalidOperationException("docker/gce/image-build.sh is missing from the burst build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private void Say(string line)
    {
        output.WriteLine(line);
        output.Flush();
    }
}
