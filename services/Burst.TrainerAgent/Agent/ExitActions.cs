using System.Diagnostics;
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

        // Deleting the instance through the Compute Engine API comes with the Google Cloud
        // support; until then, and whenever that fails, powering off stops the billing of
        // compute, and the control plane deletes the stopped instance.
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
}
