using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Agents;

/// <summary>burst.v1.AgentService: the Attach stream of trainer agents (PROTOCOL.md).</summary>
internal sealed class AgentGrpcService(
    IJobStore store,
    JobCoordinator coordinator,
    SpentAgentTokens spent,
    Microsoft.Extensions.Options.IOptions<ControlPlaneOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<AgentGrpcService> logger)
    : V1.AgentService.AgentServiceBase
{
    public override async Task Attach(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        using var attached = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var cancellationToken = attached.Token;
        try
        {
            await coordinator.Ready.WaitAsync(cancellationToken);
            if (!await requestStream.MoveNext(cancellationToken))
            {
                return;
            }

            if (requestStream.Current.KindCase != AgentMessage.KindOneofCase.Hello)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message of Attach must be Hello."));
            }

            var hello = requestStream.Current.Hello;
            var tokenHash = await AuthenticateAsync(hello, cancellationToken);
            JobTracing.TagCall(hello.JobId, hello.WorkerId);
            var session = new AgentSession(hello.JobId, hello.WorkerId);
            if (await coordinator.AttachAsync(session, hello, cancellationToken) is { } refusal)
            {
                throw Refusals.ToRpc(refusal);
            }

            using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reader = ReadAsync(session, requestStream, reading.Token);
            var toldToShutDown = false;
            try
            {
                await foreach (var message in session.Outgoing.ReadAllAsync(cancellationToken))
                {
                    await responseStream.WriteAsync(message, cancellationToken);
                    toldToShutDown |= message.KindCase == ControlMessage.KindOneofCase.Shutdown;
                }
            }
            finally
            {
                await reading.CancelAsync();
                await reader;
                await coordinator.DetachAsync(session);
            }

            // The agent of a finished job has had its farewell: its token opens nothing from now on.
            if (toldToShutDown && await store.GetJobAsync(hello.JobId, CancellationToken.None) is { } ended && JobTransitions.IsTerminal(ended.State))
            {
                spent.MarkShutDown(tokenHash);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the control plane is shutting down; attach again."));
        }
        catch (Exception e) when (e is not (RpcException or OperationCanceledException))
        {
            logger.AttachFailed(e);
            throw new RpcException(new Status(StatusCode.Unavailable, $"the control plane could not handle this stream ({e.Message}); attach again."));
        }
    }

    /// <summary>
    /// Checks Hello's token: unknown, garbled or spent (SpentAgentTokens) is UNAUTHENTICATED, an unknown job
    /// NOT_FOUND, another job's token PERMISSION_DENIED. Returns the token's hash.
    /// </summary>
    private async Task<byte[]> AuthenticateAsync(Hello hello, CancellationToken cancellationToken)
    {
        var hash = AgentTokens.TryHash(hello.Token);
        var token = hash is null ? null : await store.FindAgentTokenAsync(hash, cancellationToken);
        if (token is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the agent token is not valid."));
        }

        var job = string.IsNullOrEmpty(hello.JobId) ? null : await store.GetJobAsync(hello.JobId, cancellationToken);
        if (job is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"job '{hello.JobId}' does not exist."));
        }

        if (token.JobId != hello.JobId)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"the agent token does not open job {hello.JobId}."));
        }

        if (spent.IsSpent(hash!, job, options.Value.HeartbeatTimeout))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the agent token is not valid."));
        }

        return hash!;
    }

    /// <summary>Hands each message to the coordinator; when the agent ends its side, or breaks the protocol, the call ends.</summary>
    private async Task ReadAsync(AgentSession session, IAsyncStreamReader<AgentMessage> requestStream, CancellationToken cancellationToken)
    {
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                if (await coordinator.OnMessageAsync(session, requestStream.Current, cancellationToken) is { } refusal)
                {
                    throw Refusals.ToRpc(refusal);
                }
            }

            session.Close();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            session.Abort(e);
        }
    }
}
