using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Scheduling;

/// <summary>Recovers the previous run's jobs at start, and lets go of the agents at stop.</summary>
internal sealed class ControlPlaneLifecycle(JobCoordinator coordinator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => coordinator.RecoverAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => coordinator.StopAsync(cancellationToken);
}
