using System.Threading.Channels;
using Burst.V1;

namespace Burst.TrainerAgent.Agent;

/// <summary>
/// Numbers the agent's reports 1, 2, 3, ... and keeps each one until the control plane
/// acks it, so that a report sent into a dropped connection is sent again after the
/// reconnect. The control plane stores a report seen twice once.
/// </summary>
public sealed class ReportOutbox
{
    private readonly Lock _gate = new();
    private readonly List<Report> _unacked = [];
    private long _next = 1;
    private ChannelWriter<AgentMessage>? _wire;

    /// <summary>Raised (outside the lock) whenever an ack arrives.</summary>
    public event Action<long>? Acked;

    public long LastAcked { get; private set; }

    public int UnackedCount
    {
        get
        {
            lock (_gate)
            {
                return _unacked.Count;
            }
        }
    }

    /// <summary>Numbers <paramref name="report"/>, keeps it, and sends it if a connection is up.</summary>
    public long Add(Report report)
    {
        lock (_gate)
        {
            report.Sequence = _next++;
            _unacked.Add(report);
            _wire?.TryWrite(new AgentMessage { Report = report });
            return report.Sequence;
        }
    }

    /// <summary>
    /// Binds a fresh connection: drops what the control plane already committed, then
    /// sends every unacked report in order before any new one.
    /// </summary>
    public void Attach(ChannelWriter<AgentMessage> wire, long lastCommitted)
    {
        lock (_gate)
        {
            DropThrough(lastCommitted);
            if (_next <= lastCommitted)
            {
                _next = lastCommitted + 1;
            }

            foreach (var report in _unacked)
            {
                wire.TryWrite(new AgentMessage { Report = report });
            }

            _wire = wire;
        }
    }

    public void Detach(ChannelWriter<AgentMessage> wire)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_wire, wire))
            {
                _wire = null;
            }
        }
    }

    public void Ack(long sequence)
    {
        lock (_gate)
        {
            DropThrough(sequence);
        }

        Acked?.Invoke(sequence);
    }

    private void DropThrough(long sequence)
    {
        if (sequence > LastAcked)
        {
            LastAcked = sequence;
        }

        _unacked.RemoveAll(r => r.Sequence <= sequence);
    }
}
