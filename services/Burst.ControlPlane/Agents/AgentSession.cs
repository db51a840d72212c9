using System.Threading.Channels;
using Burst.V1;

namespace Burst.ControlPlane.Agents;

/// <summary>
/// One Attach call. Whoever has something to tell the agent queues it here; one loop in the call
/// writes the queue to the response stream, since a stream takes one writer at a time.
/// </summary>
internal sealed class AgentSession(string jobId, string workerId)
{
    /// <summary>Control messages are few (an ack per report, a batch of trials now and then); an agent that lets this many pile up is not reading.</summary>
    private const int Capacity = 4096;

    private static long s_nextId;

    private readonly Channel<ControlMessage> _outgoing = Channel.CreateBounded<ControlMessage>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public long Id { get; } = Interlocked.Increment(ref s_nextId);

    public string JobId { get; } = jobId;

    public string WorkerId { get; } = workerId;

    public ChannelReader<ControlMessage> Outgoing => _outgoing.Reader;

    /// <summary>Queues a message; false when the session is closed. A session whose agent stopped reading is aborted.</summary>
    public bool Send(ControlMessage message)
    {
        if (_outgoing.Writer.TryWrite(message))
        {
            return true;
        }

        Abort(new InvalidOperationException($"worker {WorkerId} of job {JobId} is not reading its control stream."));
        return false;
    }

    /// <summary>Ends the call once the queued messages are written.</summary>
    public void Close() => _outgoing.Writer.TryComplete();

    /// <summary>Ends the call with an error; queued messages may be dropped.</summary>
    public void Abort(Exception reason) => _outgoing.Writer.TryComplete(reason);

    public override string ToString() => $"session {Id} ({JobId}/{WorkerId})";
}
