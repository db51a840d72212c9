using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Watch;

/// <summary>
/// The most recent events of one job, a ring of at most <c>capacity</c> events with consecutive
/// sequences. It only ever holds events read back from the store, so everything in it is durable.
/// Not thread-safe: <see cref="JobEventHub"/> guards it.
/// </summary>
internal sealed class JobEventBuffer
{
    private readonly JobEvent[] _ring;
    private int _start;

    public JobEventBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new JobEvent[capacity];
    }

    public int Count { get; private set; }

    /// <summary>The sequence of the oldest event held; meaningless while empty.</summary>
    public long Oldest => Count == 0 ? 0 : _ring[_start].Sequence;

    /// <summary>The sequence of the newest event held, or null while empty.</summary>
    public long? Newest => Count == 0 ? null : _ring[(_start + Count - 1) % _ring.Length].Sequence;

    /// <summary>The sequence of the job's terminal event, once one was seen.</summary>
    public long? TerminalSequence { get; private set; }

    /// <summary>
    /// Takes in a run of consecutive events from the store. A run that continues or overlaps the ring
    /// extends it; a run that leaves a hole after it replaces the ring (a watcher that needs the hole
    /// reads the store); an older run changes nothing.
    /// </summary>
    public void Add(IReadOnlyList<JobEvent> run)
    {
        if (run.Count == 0)
        {
            return;
        }

        var newest = Newest;
        if (newest is { } n && run[0].Sequence > n + 1)
        {
            Clear();
            newest = null;
        }

        foreach (var e in run)
        {
            if (newest is { } last && e.Sequence <= last)
            {
                continue;
            }

            Append(e);
            if (JobTransitions.IsTerminalEvent(e))
            {
                TerminalSequence = e.Sequence;
            }
        }
    }

    /// <summary>What the ring holds for a watcher whose last event is <paramref name="after"/>.</summary>
    public BufferRead Read(long after, int max, List<JobEvent> into)
    {
        if (Count == 0 || after + 1 < Oldest)
        {
            return BufferRead.Behind;
        }

        var newest = Newest!.Value;
        if (after >= newest)
        {
            return BufferRead.CaughtUp;
        }

        var index = (int)(after + 1 - Oldest);
        var take = (int)Math.Min(max, newest - after);
        for (var i = 0; i < take; i++)
        {
            into.Add(_ring[(_start + index + i) % _ring.Length]);
        }

        return BufferRead.Served;
    }

    public void Clear()
    {
        Array.Clear(_ring);
        _start = 0;
        Count = 0;
    }

    private void Append(JobEvent e)
    {
        if (Count == _ring.Length)
        {
            _ring[_start] = e;
            _start = (_start + 1) % _ring.Length;
        }
        else
        {
            _ring[(_start + Count) % _ring.Length] = e;
            Count++;
        }
    }
}

internal enum BufferRead
{
    /// <summary>Events after the watcher's last were copied out.</summary>
    Served,

    /// <summary>The ring holds the watcher's last event or is behind it: nothing new yet.</summary>
    CaughtUp,

    /// <summary>The ring starts after the watcher's next event (or is empty): read the store.</summary>
    Behind,
}
