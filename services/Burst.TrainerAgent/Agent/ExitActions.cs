using System.Diagnostics;
using Burst.Cloud;
using Burst.Cloud.Compute;
using Burst.Cloud.Metadata;
using Microsoft.Extensions.Logging;

namespace Burst.TrainerAgent.Agent;

/// <summary>Runs the agent's exit action once the job is over, so that no idle VM minute is billed.</summary>
public static class ExitActions
{
    public static async Task RunAsync(ExitAction action, ILogger logger, CancellationToken ct)
    {
        if (action == ExitAction.None)
        {
            return;
        }

        if (action == ExitAction.DeleteInstance && await DeleteThisInstanceAsync(logger, Environment.GetEnvironmentVariable, ct).ConfigureAwait(false))
        {
            return;
        }

        // Powering off stops the billing of compute whatever went wrong above; the control plane
        // (or its reaper) deletes the stopped instance.
        try
        {
            using var shutdown = Process.Start(new ProcessStartInfo("shutdown", "-h now") { UseShellExecute = false })
                ?? throw new InvalidOperationException("could not start `shutdown`");
            await shutdown.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            AgentLog.ExitActionFailed(logger, action, e.Message);
        }
    }

    /// <summary>
    /// Deletes the VM this agent runs on through the Compute Engine API: project, zone and name from the
    /// metadata server, a token of the VM's service account from it too (none for an emulator endpoint).
    /// The delete is not waited on: it ends this process with the machine. False when it could not be asked for.
    /// <paramref name="environment"/> gives GCE_METADATA_HOST and CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE.
    /// </summary>
    public static async Task<bool> DeleteThisInstanceAsync(ILogger logger, Func<string, string?> environment, CancellationToken ct)
    {
        try
        {
            using var metadata = MetadataClient.FromEnvironment(TimeSpan.FromSeconds(10), environment);
            var project = await metadata.GetProjectIdAsync(ct).ConfigureAwait(false);
            var zone = await metadata.GetZoneAsync(ct).ConfigureAwait(false);
            var name = await metadata.GetInstanceNameAsync(ct).ConfigureAwait(false);
            using var compute = ComputeClient.Create(CloudEndpoints.Compute(null, environment), project, metadata, userAgent: "burst-agent");
            AgentLog.DeletingInstance(logger, project, zone, name);
            await compute.DeleteInstanceAsync(zone, name, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or ComputeApiException or InvalidOperationException or TaskCanceledException or ArgumentException)
        {
            AgentLog.ExitActionFailed(logger, ExitAction.DeleteInstance, e.Message);
            return false;
        }
    }
}
