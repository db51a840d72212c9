using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Scheduling;

/// <summary>Ticks on the injected TimeProvider: heartbeat timeouts and max_runtime.</summary>
internal sealed class LivenessMonitor(JobCoordinator coordinator, TimeProvider time, IOptions<ControlPlaneOptions> options, ILogger<LivenessMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await coordinator.Ready.WaitAsync(stoppingToken);
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, Math.Min(options.Value.HeartbeatInterval.Ticks, options.Value.HeartbeatTimeout.Ticks / 4)));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await coordinator.CheckLivenessAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LivenessCheckFailed(e);
            }
        }
    }
}
