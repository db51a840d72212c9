using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Burst.ControlPlane.Security;

/// <summary>
/// Checks JobService calls: the API key of <c>authorization: Bearer KEY</c> (UNAUTHENTICATED when missing or
/// unknown, PERMISSION_DENIED without the role) and, under mTLS, a client certificate. AgentService
/// (agents prove themselves with job tokens), health and reflection pass untouched.
/// </summary>
internal sealed class ClientAuthInterceptor(ApiKeyRing keys, ClientAccess access, ILogger<ClientAuthInterceptor> logger) : Interceptor
{
    public const string Scheme = "Bearer ";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        if (JobServiceAccess.RoleFor(context.Method) is not { } needed)
        {
            return;
        }

        if (access.RequiresClientCertificate && context.GetHttpContext().Connection.ClientCertificate is null)
        {
            // Kestrel has validated any certificate that was sent; a call without one is stopped here.
            throw new RpcException(new Status(StatusCode.Unauthenticated, "this server requires a client certificate (mTLS) for JobService."));
        }

        if (!keys.Enabled)
        {
            return;
        }

        var presented = BearerKey(context.RequestHeaders.GetValue("authorization"));
        var entry = presented is null ? null : keys.Find(presented);
        if (entry is null)
        {
            logger.Unauthenticated(context.Method, context.Peer);
            throw new RpcException(new Status(
                StatusCode.Unauthenticated,
                presented is null
                    ? "this server requires an API key: send `authorization: Bearer KEY` (the CLI reads BURST_API_KEY or --api-key-file)."
                    : "the API key is not valid."));
        }

        if (entry.Role < needed)
        {
            logger.Denied(entry.Name, ApiRoles.Name(entry.Role), context.Method);
            throw new RpcException(new Status(
                StatusCode.PermissionDenied,
                $"the API key {entry.Name} has the role {ApiRoles.Name(entry.Role)}; {context.Method[JobServiceAccess.Prefix.Length..]} needs {ApiRoles.Name(needed)}."));
        }
    }

    private static string? BearerKey(string? header) =>
        header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length
            ? header[Scheme.Length..].Trim()
            : null;
}
