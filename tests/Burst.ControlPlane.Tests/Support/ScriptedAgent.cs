using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Support;

/// <summary>An Attach stream a test drives message by message.</summary>
internal sealed class ScriptedAgent : IDisposable
{
    private readonly AsyncDuplexStreamingCall<AgentMessage, ControlMessage> _call;
    private readonly CancellationTokenSource _timeout = new(TestControlPlane.Patience);

    private ScriptedAgent(AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call) => _call = call;

    public static async Task<ScriptedAgent> HelloAsync(TestControlPlane cp, string jobId, string workerId, string token)
    {
        var agent = new ScriptedAgent(cp.Agents.Attach());
        await agent.SendAsync(new AgentMessage { Hello = new Hello { JobId = jobId, WorkerId = workerId, Token = token } });
        return agent;
    }

    public async Task SendAsync(AgentMessage message) => await _call.RequestStream.WriteAsync(message, _timeout.Token);

    public Task SendAsync(long sequence, TrialResult trial) => SendAsync(new AgentMessage { Report = new Report { Sequence = sequence, Trial = trial } });

    /// <summary>Asks for work: a WorkRequest with <paramref name="freeSlots"/> free and nothing held.</summary>
    public Task AskAsync(long sequence, int freeSlots) =>
        SendAsync(new AgentMessage { Report = new Report { Sequence = sequence, WorkRequest = new WorkRequest { FreeSlots = freeSlots } } });

    /// <summary>The next control message; throws the call's RpcException when it ended with an error.</summary>
    public async Task<ControlMessage> NextAsync()
    {
        if (!await _call.ResponseStream.MoveNext(_timeout.Token))
        {
            throw new InvalidOperationException("the control plane ended the stream.");
        }

        return _call.ResponseStream.Current;
    }

    /// <summary>True when the control plane ended the stream (status OK) instead of sending more.</summary>
    public async Task<bool> EndedAsync() => !await _call.ResponseStream.MoveNext(_timeout.Token);

    /// <summary>The messages left on the stream and the status it ended with (OK when it just ended).</summary>
    public async Task<(List<ControlMessage> Messages, Status Status)> DrainAsync()
    {
        var messages = new List<ControlMessage>();
        try
        {
            while (await _call.ResponseStream.MoveNext(_timeout.Token))
            {
                messages.Add(_call.ResponseStream.Current);
            }
        }
        catch (RpcException e)
        {
            return (messages, e.Status);
        }

        return (messages, _call.GetStatus());
    }

    public void Dispose()
    {
        _call.Dispose();
        _timeout.Dispose();
    }
}
