using Burst.ControlPlane.Watch;
using Burst.V1;

namespace Burst.ControlPlane.Tests.Watch;

public sealed class JobEventBufferTests
{
    [Fact]
    public void A_full_ring_keeps_the_newest_events_and_sends_an_older_reader_to_the_store()
    {
        var buffer = new JobEventBuffer(4);
        buffer.Add(Events(1, 6));

        var read = new List<JobEvent>();
        Assert.Equal(BufferRead.Behind, buffer.Read(1, 10, read));
        Assert.Equal(BufferRead.Served, buffer.Read(2, 10, read));
        Assert.Equal([3L, 4, 5, 6], read.Select(e => e.Sequence));
        Assert.Equal(3, buffer.Oldest);
    }

    [Fact]
    public void A_read_starts_right_after_the_readers_last_event_and_stops_at_its_maximum()
    {
        var buffer = new JobEventBuffer(8);
        buffer.Add(Events(1, 8));

        var read = new List<JobEvent>();
        Assert.Equal(BufferRead.Served, buffer.Read(3, 2, read));
        Assert.Equal([4L, 5], read.Select(e => e.Sequence));
        Assert.Equal(BufferRead.CaughtUp, buffer.Read(8, 2, []));
        Assert.Equal(BufferRead.CaughtUp, buffer.Read(12, 2, []));
    }

    [Fact]
    public void An_overlapping_run_adds_only_what_is_new_and_a_run_after_a_hole_replaces_the_ring()
    {
        var buffer = new JobEventBuffer(16);
        buffer.Add(Events(1, 5));
        buffer.Add(Events(3, 7));
        Assert.Equal((1L, 7L), (buffer.Oldest, buffer.Newest!.Value));

        buffer.Add(Events(2, 4));
        Assert.Equal(7, buffer.Count);

        buffer.Add(Events(10, 11));
        Assert.Equal((10L, 11L), (buffer.Oldest, buffer.Newest!.Value));
        Assert.Equal(BufferRead.Behind, buffer.Read(7, 10, []));
    }

    [Fact]
    public void The_terminal_event_is_remembered_even_after_the_ring_moves_on()
    {
        var buffer = new JobEventBuffer(2);
        Assert.Null(buffer.TerminalSequence);
        buffer.Add([.. Events(1, 3), new JobEvent { Sequence = 4, StateChanged = new StateChanged { State = JobState.Succeeded } }]);

        Assert.Equal(4, buffer.TerminalSequence);
        buffer.Clear();
        Assert.Equal(4, buffer.TerminalSequence);
        Assert.Equal(BufferRead.Behind, buffer.Read(0, 1, []));
    }

    private static List<JobEvent> Events(long from, long to) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => new JobEvent { Sequence = i, Log = new LogLine { Message = $"line {i}" } })];
}
