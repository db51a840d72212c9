using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Data.Sqlite;

namespace Burst.ControlPlane.Store;

/// <summary>A store that fails (disk full, file gone) answers UNAVAILABLE, which clients retry, rather than UNKNOWN.</summary>
internal sealed class StoreUnavailableInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (SqliteException e)
        {
            throw Unavailable(e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (SqliteException e)
        {
            throw Unavailable(e);
        }
    }

    private static RpcException Unavailable(Exception e) =>
        new(new Status(StatusCode.Unavailable, $"the job store is unavailable: {e.Message}"));
}
