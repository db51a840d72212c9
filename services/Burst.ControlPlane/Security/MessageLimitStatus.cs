using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Security;

/// <summary>
/// gRPC itself refuses a request message over <see cref="ControlPlaneOptions.MaxRequestBytes"/> with
/// RESOURCE_EXHAUSTED, before any service or interceptor sees it, saying only that the message "exceeds
/// the maximum configured message size". This names the limit in that status, for unary calls (where
/// the status travels in the headers) and streams such as Attach (in the trailers) alike.
/// </summary>
internal static class MessageLimitStatus
{
    /// <summary>grpc-dotnet's words (Grpc.AspNetCore.Server, PipeExtensions.ReceivedMessageExceedsLimitStatus).</summary>
    internal const string GrpcDetail = "Received message exceeds the maximum configured message size.";

    private const string ResourceExhausted = "8";

    public static string Detail(int limit) =>
        $"a request message may be at most {limit} bytes (Burst:MaxRequestBytes), and this one is larger; nothing of it was stored";

    /// <summary>Call before the gRPC services are mapped, after the gRPC-Web middleware, so that a gRPC-Web answer gets it too.</summary>
    public static WebApplication UseMessageLimitStatus(this WebApplication app)
    {
        var detail = Detail(app.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.MaxRequestBytes);
        app.Use(async (context, next) =>
        {
            await next(context);

            // A status set before the response started is sent as headers ("trailers-only"), otherwise as trailers.
            Rewrite(context.Response.HasStarted ? context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers : context.Response.Headers, detail);
        });
        return app;
    }

    private static void Rewrite(IHeaderDictionary? status, string detail)
    {
        if (status is not null && !status.IsReadOnly
            && status.TryGetValue("grpc-status", out var code) && code == ResourceExhausted
            && status.TryGetValue("grpc-message", out var message) && message == GrpcDetail)
        {
            // Printable ASCII without '%': the grpc-message value needs no percent-encoding.
            status["grpc-message"] = detail;
        }
    }
}
