using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Scheduling;

/// <summary>Hands the exits providers report to the coordinator, one at a time.</summary>
internal sealed class WorkerExitListener(Providers.WorkerExits exits, JobCoordinator coordinator, ILogger<WorkerExitListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await coordinator.Ready.WaitAsync(stoppingToken);
        await foreach (var exit in exits.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await coordinator.OnWorkerExitedAsync(exit, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.ExitHandlingFailed(e, exit.JobId, exit.WorkerId);
            }
        }
    }
}
