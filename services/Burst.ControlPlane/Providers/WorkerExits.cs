using System.Threading.Channels;

namespace Burst.ControlPlane.Providers;

/// <summary>A worker ended without being asked to.</summary>
internal sealed record WorkerExit(string JobId, string WorkerId, string Description);

/// <summary>Providers report exits here; one loop hands them to the coordinator.</summary>
internal sealed class WorkerExits
{
    private readonly Channel<WorkerExit> _exits = Channel.CreateUnbounded<WorkerExit>(new UnboundedChannelOptions { SingleReader = true });

    public void Report(WorkerExit exit) => _exits.Writer.TryWrite(exit);

    public ChannelReader<WorkerExit> Reader => _exits.Reader;
}
