using System.Collections.Concurrent;
using System.Threading.Channels;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace Burst.ControlPlane.Tests.Support;

/// <summary>How a fake agent behaves.</summary>
internal sealed record FakeAgentBehavior
{
    /// <summary>Trials wait for this before they run (the agent attaches and heartbeats meanwhile).</summary>
    public TaskCompletionSource? Gate { get; init; }

    /// <summary>After reporting this many trial results the agent says nothing more, heartbeats included, but keeps its stream; 0 is silent after Hello.</summary>
    public int? SilentAfterTrials { get; init; }

    /// <summary>Reports this failure instead of running its first trial.</summary>
    public AgentFailure? Failure { get; init; }

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Trials it says it runs at once (WorkRequest); it asks whenever it holds fewer.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>Asks for work the old way only: an Idle once it ran everything it was given, never a WorkRequest.</summary>
    public bool IdleOnly { get; init; }
}

/// <summary>
/// A trainer agent without XGBoost: it plays the Attach protocol (PROTOCOL.md) with made-up trial
/// scores, re-sends unacked reports after a reconnect, and records every control message it gets.
/// </summary>
internal sealed class FakeAgent : IAsyncDisposable
{
    private readonly Func<string> _url;
    private readonly FakeAgentBehavior _behavior;
    private readonly CancellationTokenSource _killed = new();
    private readonly Channel<ControlMessage> _work = Channel.CreateUnbounded<ControlMessage>();
    private readonly HashSet<(int, int)> _seenTrials = [];
    private readonly List<Report> _unacked = [];
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentQueue<ControlMessage> _received = new();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IClientStreamWriter<AgentMessage>? _stream;
    private long _nextSequence = 1;
    private int _trialsReported;
    private int _held;
    private bool _refitDone;
    private volatile bool _silent;
    private Task? _run;

    public FakeAgent(Func<string> url, string jobId, string workerId, string token, FakeAgentBehavior behavior)
    {
        _url = url;
        JobId = jobId;
        WorkerId = workerId;
        Token = token;
        _behavior = behavior;
        _silent = behavior.SilentAfterTrials == 0;
    }

    public string JobId { get; }

    public string WorkerId { get; }

    public string Token { get; }

    /// <summary>Every control message received, in order.</summary>
    public IReadOnlyList<ControlMessage> Received => _received.ToArray();

    public IEnumerable<TrialToRun> TrialsReceived => Received.Where(m => m.RunTrials is not null).SelectMany(m => m.RunTrials.Trials);

    /// <summary>How the agent ended: "shutdown", "cancel", "killed", or the status code that refused it.</summary>
    public Task<string> Ended => _ended.Task;

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Like SIGKILL: stops at once, telling nobody.</summary>
    public async Task KillAsync()
    {
        await _killed.CancelAsync();
        _ended.TrySetResult("killed");
        if (_run is not null)
        {
            await _run;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _killed.Dispose();
    }

    private async Task RunAsync()
    {
        var worker = Task.Run(WorkAsync);
        try
        {
            while (!_killed.IsCancellationRequested && !_ended.Task.IsCompleted)
            {
                var end = await AttachOnceAsync();
                if (end is not null)
                {
                    _ended.TrySetResult(end);
                    break;
                }

                await Task.Delay(100, _killed.Token);
            }
        }
        catch (OperationCanceledException) when (_killed.IsCancellationRequested)
        {
        }
        finally
        {
            _work.Writer.TryComplete();
            await worker.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One connection; null when it dropped and the agent should reconnect.</summary>
    private async Task<string?> AttachOnceAsync()
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(_killed.Token);
        using var channel = GrpcChannel.ForAddress(_url());
        var client = new AgentService.AgentServiceClient(channel);
        try
        {
            using var call = client.Attach(cancellationToken: connection.Token);
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = new Hello { JobId = JobId, WorkerId = WorkerId, Token = Token, Hostname = "fake" } }, connection.Token);
            var heartbeats = HeartbeatAsync(call.RequestStream, connection.Token);
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync(connection.Token))
                {
                    _received.Enqueue(message);
                    switch (message.KindCase)
                    {
                        case ControlMessage.KindOneofCase.Assignment:
                            await ResendAsync(call.RequestStream, message.Assignment.LastCommittedSequence, connection.Token);
                            if (_behavior.IdleOnly)
                            {
                                if (Volatile.Read(ref _held) == 0)
                                {
                                    await SendAsync(new Report { Idle = new Idle() });
                                }
                            }
                            else
                            {
                                await RequestWorkAsync(onlyIfFree: false);
                            }

                            break;
                        case ControlMessage.KindOneofCase.Ack:
                            lock (_unacked)
                            {
                                _unacked.RemoveAll(r => r.Sequence <= message.Ack.Sequence);
                            }

                            break;
                        case ControlMessage.KindOneofCase.RunTrials:
                        case ControlMessage.KindOneofCase.Refit:
                            _work.Writer.TryWrite(message);
                            break;
                        case ControlMessage.KindOneofCase.Cancel:
                            return "cancel";
                        case ControlMessage.KindOneofCase.Shutdown:
                            return "shutdown";
                    }
                }

                return null;
            }
            finally
            {
                await _writeGate.WaitAsync(CancellationToken.None);
                _stream = null;
                _writeGate.Release();
                await connection.CancelAsync();
                await heartbeats.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return e.StatusCode.ToString();
        }
        catch (Exception) when (_killed.IsCancellationRequested)
        {
            return "killed";
        }
        catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>After Assignment: drops what is committed, re-sends the rest in order, and only then lets new reports through.</summary>
    private async Task ResendAsync(IClientStreamWriter<AgentMessage> stream, long lastCommitted, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            List<Report> resend;
            lock (_unacked)
            {
                _unacked.RemoveAll(r => r.Sequence <= lastCommitted);
                _nextSequence = Math.Max(_nextSequence, lastCommitted + 1);
                resend = [.. _unacked];
            }

            foreach (var report in resend)
            {
                await stream.WriteAsync(new AgentMessage { Report = report }, cancellationToken);
            }

            _stream = stream;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task SendAsync(Report report)
    {
        if (_silent)
        {
            return;
        }

        await _writeGate.WaitAsync(_killed.Token);
        try
        {
            lock (_unacked)
            {
                report.Sequence = _nextSequence++;
                _unacked.Add(report);
            }

            if (_stream is { } stream)
            {
                try
                {
                    await stream.WriteAsync(new AgentMessage { Report = report }, _killed.Token);
                }
                catch (Exception e) when (e is RpcException or IOException or InvalidOperationException or OperationCanceledException && !_killed.IsCancellationRequested)
                {
                    // Sent again after the reconnect.
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task HeartbeatAsync(IClientStreamWriter<AgentMessage> stream, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(_behavior.HeartbeatInterval, cancellationToken);
                if (_silent)
                {
                    continue;
                }

                await _writeGate.WaitAsync(cancellationToken);
                try
                {
                    if (ReferenceEquals(_stream, stream))
                    {
                        await stream.WriteAsync(new AgentMessage { Heartbeat = new Heartbeat { Time = Timestamp.FromDateTime(DateTime.UtcNow) } }, cancellationToken);
                    }
                }
                finally
                {
                    _writeGate.Release();
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is RpcException or IOException or InvalidOperationException)
        {
        }
    }

    private async Task WorkAsync()
    {
        await foreach (var message in _work.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (_killed.IsCancellationRequested)
            {
                return;
            }

            if (message.Refit is { } refit)
            {
                if (_refitDone)
                {
                    continue;
                }

                _refitDone = true;
                await SendAsync(new Report { Progress = new Progress { Phase = "refit" } });
                await SendAsync(new Report
                {
                    Result = new JobResult
                    {
                        BestParams = refit.Best.Params,
                        CvBest = refit.CvBest,
                        ModelUri = refit.ModelUri,
                        Trials = refit.Trials,
                        Fits = refit.Fits,
                        BestTrialId = refit.Best.TrialId,
                        TestMetrics = new Metrics { Accuracy = 0.87, Count = 100 },
                    },
                });
                continue;
            }

            var ran = 0;
            var fresh = message.RunTrials.Trials.Where(t => _seenTrials.Add((t.TrialId, t.Rung))).ToList();
            Interlocked.Add(ref _held, fresh.Count);
            foreach (var trial in fresh)
            {
                if (_behavior.Gate is { } gate)
                {
                    try
                    {
                        await gate.Task.WaitAsync(_killed.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                if (_behavior.Failure is { } failure)
                {
                    await SendAsync(new Report { Failure = failure });
                    return;
                }

                await SendAsync(new Report { Trial = ResultOf(trial) });
                Interlocked.Decrement(ref _held);
                ran++;
                if (++_trialsReported == _behavior.SilentAfterTrials)
                {
                    _silent = true;
                }

                if (!_behavior.IdleOnly)
                {
                    await RequestWorkAsync(onlyIfFree: true);
                }
            }

            if (ran > 0 && _behavior.IdleOnly && Volatile.Read(ref _held) == 0)
            {
                await SendAsync(new Report { Idle = new Idle() });
            }
        }
    }

    private async Task RequestWorkAsync(bool onlyIfFree)
    {
        var held = Volatile.Read(ref _held);
        var free = Math.Max(0, _behavior.Slots - held);
        if (!onlyIfFree || free > 0)
        {
            await SendAsync(new Report { WorkRequest = new WorkRequest { FreeSlots = free, Held = held } });
        }
    }

    /// <summary>A made-up score: a deeper tree scores a little better, so the best trial is predictable.</summary>
    public static TrialResult ResultOf(TrialToRun trial)
    {
        var score = 0.8 + (trial.Params.Values.GetValueOrDefault("max_depth") / 100) + (trial.TrialId / 10_000.0) + (trial.Rung / 10.0);
        return new TrialResult
        {
            TrialId = trial.TrialId,
            Rung = trial.Rung,
            Rounds = trial.Rounds,
            Params = trial.Params,
            FoldScores = { score, score, score },
            MeanScore = score,
            Duration = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(10)),
        };
    }
}
