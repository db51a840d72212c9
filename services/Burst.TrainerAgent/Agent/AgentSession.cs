using System.Diagnostics;
using System.Threading.Channels;
using Burst.Training.Storage;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Burst.TrainerAgent.Agent;

/// <summary>
/// One agent's life: attach, run what the control plane hands over, re-attach with backoff
/// whenever the stream drops (re-sending unacked reports), and stop on Cancel or Shutdown.
/// Its spans hang under <paramref name="trace"/> (the agent's span in the job's trace).
/// </summary>
public sealed class AgentSession(AgentSettings settings, IObjectStore store, ILoggerFactory loggers, TimeProvider time, ActivityContext trace = default)
{
    private readonly ILogger _logger = loggers.CreateLogger<AgentSession>();

    /// <summary>How the session ended.</summary>
    public enum Outcome
    {
        Shutdown,
        Cancelled,
        Refused,
        GaveUp,
    }

    private enum ConnectionEnd
    {
        Dropped,
        Shutdown,
        Cancelled,
    }

    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
        };
        settings.Trust?.Apply(handler);
        using var channel = GrpcChannel.ForAddress(settings.ControlPlane, new GrpcChannelOptions { HttpHandler = handler });
        var client = new AgentService.AgentServiceClient(channel);
        var outbox = new ReportOutbox();
        await using var work = new JobWork(settings, outbox, store, loggers.CreateLogger<JobWork>(), trace);

        var retries = 0;
        var lastContact = time.GetUtcNow();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            string reason;
            try
            {
                AgentLog.Attaching(_logger, settings.ControlPlane, settings.WorkerId, settings.JobId);
                var end = await RunConnectionAsync(client, outbox, work, () =>
                {
                    lastContact = time.GetUtcNow();
                    retries = 0;
                }, ct).ConfigureAwait(false);
                switch (end)
                {
                    case ConnectionEnd.Shutdown:
                        return Outcome.Shutdown;
                    case ConnectionEnd.Cancelled:
                        work.Cancel();
                        return Outcome.Cancelled;
                }

                reason = "the stream ended";
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied
                                             or StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
            {
                AgentLog.Refused(_logger, e.StatusCode, e.Status.Detail);
                return Outcome.Refused;
            }
            catch (RpcException e) when (!ct.IsCancellationRequested)
            {
                reason = $"{e.StatusCode}: {e.Status.Detail}";
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                reason = e.Message;
            }

            if (time.GetUtcNow() - lastContact > settings.ReconnectWindow)
            {
                AgentLog.GaveUp(_logger, settings.ReconnectWindow);
                return Outcome.GaveUp;
            }

            var delay = settings.Reconnect.Delay(retries++);
            AgentLog.Reconnecting(_logger, reason, delay);
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
        }
    }

    private async Task<ConnectionEnd> RunConnectionAsync(
        AgentService.AgentServiceClient client, ReportOutbox outbox, JobWork work, Action onContact, CancellationToken ct)
    {
        // One span per connection; the gRPC client span under it carries the trace to the control plane's Attach span.
        using var attach = AgentTelemetry.Span("burst.agent.attach", trace, settings, kind: ActivityKind.Internal);
        var headers = new Metadata();
        if (Activity.Current is null && settings.TraceParent is { Length: > 0 } traceParent)
        {
            // Nothing records spans here, so HttpClient propagates nothing: pass the job's trace on as given.
            headers.Add("traceparent", traceParent);
        }

        using var connection = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = client.Attach(headers, cancellationToken: connection.Token);
        await call.RequestStream.WriteAsync(new AgentMessage
        {
            Hello = new Hello
            {
                JobId = settings.JobId,
                WorkerId = settings.WorkerId,
                Token = settings.Token,
                AgentVersion = typeof(AgentSession).Assembly.GetName().Version?.ToString() ?? "",
                Hostname = Environment.MachineName,
                Cores = settings.Cores,
                Pid = Environment.ProcessId,
            },
        }, connection.Token).ConfigureAwait(false);

        if (!await call.ResponseStream.MoveNext(connection.Token).ConfigureAwait(false))
        {
            return ConnectionEnd.Dropped;
        }

        var first = call.ResponseStream.Current;
        if (first.KindCase == ControlMessage.KindOneofCase.Shutdown)
        {
            AgentLog.ShuttingDown(_logger, first.Shutdown.Reason, settings.ExitAction);
            return ConnectionEnd.Shutdown;
        }

        if (first.KindCase == ControlMessage.KindOneofCase.Cancel)
        {
            // The job is being cancelled while this agent was away.
            AgentLog.Cancelled(_logger, first.Cancel.Reason);
            return ConnectionEnd.Cancelled;
        }

        if (first.KindCase != ControlMessage.KindOneofCase.Assignment)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"expected an Assignment after Hello, got {first.KindCase}"));
        }

        onContact();
        var assignment = first.Assignment;
        var wire = Channel.CreateUnbounded<AgentMessage>(new() { SingleReader = true });
        outbox.Attach(wire.Writer, assignment.LastCommittedSequence);
        AgentLog.Attached(_logger, assignment.TotalTrials, outbox.UnackedCount);
        work.Start(assignment);

        // After the re-sent reports: tell this control plane (perhaps a restarted one) the slots and what is held.
        work.RequestWork();

        var writer = WriteAsync(call.RequestStream, wire.Reader, connection.Token);
        var heartbeat = HeartbeatAsync(wire.Writer, assignment.HeartbeatIntervalSeconds, connection.Token);
        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(connection.Token).ConfigureAwait(false))
            {
                onContact();
                switch (message.KindCase)
                {
                    case ControlMessage.KindOneofCase.Ack:
                        outbox.Ack(message.Ack.Sequence);
                        break;
                    case ControlMessage.KindOneofCase.RunTrials:
                        work.Enqueue(message.RunTrials);
                        break;
                    case ControlMessage.KindOneofCase.Refit:
                        work.StartRefit(message.Refit);
                        break;
                    case ControlMessage.KindOneofCase.Cancel:
                        AgentLog.Cancelled(_logger, message.Cancel.Reason);
                        return ConnectionEnd.Cancelled;
                    case ControlMessage.KindOneofCase.Shutdown:
                        AgentLog.ShuttingDown(_logger, message.Shutdown.Reason, settings.ExitAction);
                        return ConnectionEnd.Shutdown;
                }
            }

            return ConnectionEnd.Dropped;
        }
        finally
        {
            outbox.Detach(wire.Writer);
            wire.Writer.TryComplete();
            await connection.CancelAsync().ConfigureAwait(false);
            await Quietly(writer).ConfigureAwait(false);
            await Quietly(heartbeat).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(IClientStreamWriter<AgentMessage> stream, ChannelReader<AgentMessage> reader, CancellationToken ct)
    {
        await foreach (var message in reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await stream.WriteAsync(message, ct).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatAsync(ChannelWriter<AgentMessage> wire, int intervalSeconds, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, intervalSeconds)), time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            wire.TryWrite(new AgentMessage { Heartbeat = new Heartbeat { Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()) } });
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException)
        {
            // The connection is over either way; what matters is that the task has finished.
        }
    }
}
