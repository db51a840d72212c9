using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Burst.ControlPlane.Store;

/// <summary>Healthy while the store answers; gRPC health reports NOT_SERVING otherwise.</summary>
internal sealed class StoreHealthCheck(IJobStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.CheckAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the job store does not answer");
}
