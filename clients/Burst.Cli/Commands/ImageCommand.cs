using System.CommandLine;
using Burst.Cloud;
using Burst.Cloud.Compute;

namespace Burst.Cli.Commands;

/// <summary>
/// <c>burst image build --family F --agent-package URI [--zone Z] [--project P] [--base-image-family F]
/// [--base-image-project P] [--machine-type T] [--timeout D]</c>: makes a Compute Engine image that gce
/// workers boot from (see <see cref="ImageBuilder"/>).
/// </summary>
internal static class ImageCommand
{
    public static Command Create(CliContext context)
    {
        var family = new Option<string>("--family") { Description = "The image family to add the image to (what resources.image_family names)", HelpName = "FAMILY", Required = true };
        var agentPackage = new Option<string>("--agent-package")
        {
            Description = "A tar.gz of the published burst-agent (dotnet publish output, burst-agent at its top): a gs:// or https:// URL the builder VM can read",
            HelpName = "URI",
            Required = true,
        };
        var zone = new Option<string>("--zone") { Description = "Where the builder VM runs", HelpName = "ZONE", DefaultValueFactory = _ => "us-central1-a" };
        var project = new Option<string?>("--project") { Description = "The project (default: $GOOGLE_CLOUD_PROJECT)", HelpName = "PROJECT" };
        var baseFamily = new Option<string>("--base-image-family") { Description = "The image family the builder starts from", HelpName = "FAMILY", DefaultValueFactory = _ => "debian-12" };
        var baseProject = new Option<string>("--base-image-project") { Description = "The project of the base image family", HelpName = "PROJECT", DefaultValueFactory = _ => "debian-cloud" };
        var machineType = new Option<string>("--machine-type") { Description = "The builder VM's machine type", HelpName = "TYPE", DefaultValueFactory = _ => "e2-standard-2" };
        var timeout = new Option<string>("--timeout") { Description = "How long the build may take, e.g. 20m", HelpName = "DURATION", DefaultValueFactory = _ => "30m" };

        var build = new Command("build", "Build a worker image: a builder VM installs the .NET runtime, libxgboost0 and burst-agent, then the image is made from its disk")
        {
            family, agentPackage, zone, project, baseFamily, baseProject, machineType, timeout,
        };
        build.SetAction((parseResult, cancellationToken) =>
            CommandRunner.RunAsync(context, null, async ct =>
            {
                var projectId = CloudEndpoints.Project(parseResult.GetValue(project), context.GetEnvironmentVariable)
                    ?? throw new CliUsageException("--project is required (or set GOOGLE_CLOUD_PROJECT)");
                var package = parseResult.GetValue(agentPackage)!;
                if (!package.StartsWith("gs://", StringComparison.Ordinal) && !package.StartsWith("https://", StringComparison.Ordinal) && !package.StartsWith("http://", StringComparison.Ordinal))
                {
                    throw new CliUsageException($"--agent-package must be a gs:// or https:// URL the builder VM can read, got '{package}'");
                }

                var limit = Specs.DurationText.Parse(parseResult.GetValue(timeout)!, "--timeout");
                var request = new ImageBuildRequest(
                    parseResult.GetValue(family)!,
                    package,
                    parseResult.GetValue(zone)!,
                    parseResult.GetValue(baseFamily)!,
                    parseResult.GetValue(baseProject)!,
                    parseResult.GetValue(machineType)!,
                    limit);
                Uri endpoint;
                try
                {
                    endpoint = CloudEndpoints.Compute(null, context.GetEnvironmentVariable);
                }
                catch (ArgumentException e)
                {
                    throw new CliUsageException($"{CloudEndpoints.ComputeOverrideVariable}: {e.Message}");
                }

                using var compute = ComputeClient.Create(endpoint, projectId, userAgent: "burst-cli", time: context.Time);
                try
                {
                    await new ImageBuilder(compute, context.Out, context.Time).BuildAsync(request, ct);
                    return ExitCodes.Success;
                }
                catch (Exception e) when (e is ImageBuildException or ComputeApiException or ComputeOperationException or HttpRequestException or InvalidOperationException)
                {
                    context.Error.WriteLine($"burst: image build failed: {e.Message}");
                    return ExitCodes.Failed;
                }
            }, cancellationToken));

        return new Command("image", "Compute Engine images for gce workers") { build };
    }
}
