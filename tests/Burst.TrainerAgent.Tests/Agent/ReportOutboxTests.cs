using System.Threading.Channels;
using Burst.TrainerAgent.Agent;
using Burst.V1;

namespace Burst.TrainerAgent.Tests.Agent;

public sealed class ReportOutboxTests
{
    [Fact]
    public void Reports_are_numbered_one_two_three_and_sent_on_the_attached_connection()
    {
        var outbox = new ReportOutbox();
        var wire = Channel.CreateUnbounded<AgentMessage>();
        outbox.Attach(wire.Writer, lastCommitted: 0);

        outbox.Add(Log("a"));
        outbox.Add(Log("b"));
        outbox.Add(Log("c"));

        Assert.Equal([1L, 2L, 3L], Drain(wire).Select(m => m.Report.Sequence));
    }

    [Fact]
    public void Unacked_reports_are_sent_again_in_order_on_the_next_connection()
    {
        var outbox = new ReportOutbox();
        var first = Channel.CreateUnbounded<AgentMessage>();
        outbox.Attach(first.Writer, 0);
        outbox.Add(Log("a"));
        outbox.Add(Log("b"));
        outbox.Add(Log("c"));
        outbox.Ack(1);
        outbox.Detach(first.Writer);
        outbox.Add(Log("d"));  // made while disconnected

        var second = Channel.CreateUnbounded<AgentMessage>();
        outbox.Attach(second.Writer, lastCommitted: 1);

        var resent = Drain(second);
        Assert.Equal(["b", "c", "d"], resent.Select(m => m.Report.Log.Message));
        Assert.Equal([2L, 3L, 4L], resent.Select(m => m.Report.Sequence));
    }

    [Fact]
    public void Reports_the_control_plane_already_committed_are_dropped_at_attach_even_without_an_ack()
    {
        var outbox = new ReportOutbox();
        outbox.Add(Log("a"));
        outbox.Add(Log("b"));
        outbox.Add(Log("c"));

        var wire = Channel.CreateUnbounded<AgentMessage>();
        outbox.Attach(wire.Writer, lastCommitted: 2);

        Assert.Equal(["c"], Drain(wire).Select(m => m.Report.Log.Message));
        Assert.Equal(1, outbox.UnackedCount);
    }

    [Fact]
    public void A_restarted_agent_continues_numbering_after_the_last_committed_sequence()
    {
        var outbox = new ReportOutbox();
        var wire = Channel.CreateUnbounded<AgentMessage>();
        outbox.Attach(wire.Writer, lastCommitted: 41);

        outbox.Add(Log("after restart"));

        Assert.Equal(42, Assert.Single(Drain(wire)).Report.Sequence);
    }

    [Fact]
    public void An_ack_is_cumulative_and_nothing_is_sent_after_detach()
    {
        var outbox = new ReportOutbox();
        var wire = Channel.CreateUnbounded<AgentMessage>();
        outbox.Attach(wire.Writer, 0);
        outbox.Add(Log("a"));
        outbox.Add(Log("b"));
        Drain(wire);

        outbox.Ack(2);
        outbox.Detach(wire.Writer);
        outbox.Add(Log("c"));

        Assert.Equal(2, outbox.LastAcked);
        Assert.Empty(Drain(wire));
        Assert.Equal(1, outbox.UnackedCount);
    }

    private static Report Log(string message) => new() { Log = new LogLine { Message = message } };

    private static List<AgentMessage> Drain(Channel<AgentMessage> channel)
    {
        var messages = new List<AgentMessage>();
        while (channel.Reader.TryRead(out var message))
        {
            messages.Add(message);
        }

        return messages;
    }
}
