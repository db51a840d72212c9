using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Burst.Bench;

/// <summary>
/// One worker's agent speaking the real Attach protocol (Hello with the worker's token, Assignment,
/// numbered Reports acked after their commit, heartbeats), without training: it reports log lines.
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<AgentMessage, ControlMessage> _call;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _window;
    private readonly TaskCompletionSource<Assignment> _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _workerId;
    private readonly Task _reader;
    private readonly Task _heartbeats;
    private long _nextSequence;
    private long _acked;

    private SimulatedAgent(string url, WorkerToken token, int window)
    {
        _channel = GrpcChannel.ForAddress(url);
        _call = new AgentService.AgentServiceClient(_channel).Attach(cancellationToken: _stop.Token);
        _workerId = token.WorkerId;
        _window = new SemaphoreSlim(window, window);
        _reader = Task.Run(ReadAsync);
        _heartbeats = Task.Run(HeartbeatAsync);
    }

    public long Acked => Interlocked.Read(ref _acked);

    public static async Task<SimulatedAgent> AttachAsync(string url, WorkerToken token, int window = 8)
    {
        var agent = new SimulatedAgent(url, token, window);
        await agent.WriteAsync(new AgentMessage { Hello = new Hello { JobId = token.JobId, WorkerId = token.WorkerId, Token = token.Token, Hostname = "bench", AgentVersion = "bench" } });
        var assignment = await agent._assigned.Task.WaitAsync(TimeSpan.FromSeconds(30));
        agent._nextSequence = assignment.LastCommittedSequence + 1;
        agent._acked = assignment.LastCommittedSequence;
        return agent;
    }

    /// <summary>Sends one log line once fewer than the window are unacked; returns when it is sent (not acked).</summary>
    public async Task SendLogAsync(string message, CancellationToken cancellationToken)
    {
        await _window.WaitAsync(cancellationToken);
        await WriteAsync(new AgentMessage
        {
            Report = new Report { Sequence = _nextSequence++, Log = new LogLine { WorkerId = _workerId, Level = "info", Message = message } },
        });
    }

    /// <summary>Waits until every report sent so far is acked.</summary>
    public async Task DrainAsync(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (Acked < _nextSequence - 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_reader, _heartbeats).ContinueWith(_ => { }, TaskScheduler.Default);
        _call.Dispose();
        _channel.Dispose();
        _stop.Dispose();
    }

    private async Task WriteAsync(AgentMessage message)
    {
        await _writeGate.WaitAsync(_stop.Token);
        try
        {
            await _call.RequestStream.WriteAsync(message, _stop.Token);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                switch (message.KindCase)
                {
                    case ControlMessage.KindOneofCase.Assignment:
                        _assigned.TrySetResult(message.Assignment);
                        break;
                    case ControlMessage.KindOneofCase.Ack:
                        // Acks are cumulative, and only this loop moves _acked.
                        var before = Interlocked.Read(ref _acked);
                        if (message.Ack.Sequence > before)
                        {
                            Interlocked.Exchange(ref _acked, message.Ack.Sequence);
                            _window.Release((int)(message.Ack.Sequence - before));
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
        {
            _assigned.TrySetException(e);
        }
    }

    private async Task HeartbeatAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                await WriteAsync(new AgentMessage { Heartbeat = new Heartbeat { Time = Timestamp.FromDateTime(DateTime.UtcNow) } });
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
        }
    }
}

/// <summary>What the stand-in agent recorded for one worker.</summary>
internal sealed record WorkerToken(string JobId, string WorkerId, string Token)
{
    /// <summary>Waits for the stand-in agents of a job to record <paramref name="count"/> tokens.</summary>
    public static async Task<List<WorkerToken>> WaitForAsync(string folder, string jobId, int count, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var files = Directory.GetFiles(folder, jobId + ".*").Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).ToList();
            if (files.Count >= count)
            {
                return [.. files.Select(f => File.ReadAllText(f).Trim().Split(' ')).Select(p => new WorkerToken(p[0], p[1], p[2]))];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"job {jobId}: {files.Count} of {count} workers started within {patience}.");
            }

            await Task.Delay(50);
        }
    }
}
