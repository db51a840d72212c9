using System.Threading.Channels;

namespace Burst.ControlPlane.Runtime;

/// <summary>Wakes the scheduler: a job was queued or a running one ended. Wakes coalesce.</summary>
internal sealed class JobQueueSignal
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _signal.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken cancellationToken) => await _signal.Reader.ReadAsync(cancellationToken);
}
