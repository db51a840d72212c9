using System.Text;
using Grpc.AspNetCore.Web;

namespace Burst.ControlPlane.Web;

/// <summary>
/// The dashboard's port: HTTP/1.1, serving the bundled page and the public JobService over gRPC-Web
/// (browsers cannot speak h2c, so the page cannot use the gRPC port). gRPC-Web is answered on this
/// port only; the gRPC port stays plain gRPC.
/// </summary>
internal static class DashboardEndpoints
{
    private const string NotBuiltPage = """
        <!doctype html><html lang="en"><meta charset="utf-8"><title>Burst dashboard not built</title>
        <body style="font-family:sans-serif;max-width:40em;margin:3em auto">
        <h1>Dashboard not built</h1>
        <p>This control plane was built without the dashboard's bundle (node_modules was missing).
        Run <code>npm ci</code> in the repository root, then <code>dotnet build</code> again.</p>
        <p>The gRPC API works as usual.</p></body></html>
        """;

    public static bool IsGrpcWeb(HttpContext context) =>
        context.Request.ContentType is { } type && type.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase);

    private static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the middleware: call before the gRPC services are mapped, with the dashboard's fixed port.</summary>
    public static WebApplication UseDashboard(this WebApplication app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        var assets = new DashboardAssets(typeof(DashboardEndpoints).Assembly);

        app.UseWhen(context => context.Connection.LocalPort != port && IsGrpcWeb(context), other => other.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return Task.CompletedTask;
        }));
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = false });
        // The gRPC-Web middleware has turned a gRPC-Web request into a gRPC one by now (application/grpc).
        app.MapWhen(context => context.Connection.LocalPort == port && !IsGrpc(context), web => web.Run(context => ServeAsync(context, assets)));
        return app;
    }

    private static async Task ServeAsync(HttpContext context, DashboardAssets assets)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        response.Headers["X-Content-Type-Options"] = "nosniff";
        // The page holds an API key: only its own script and styles run, it talks to its own origin, and no site frames it.
        response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        if (!assets.Built)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/html; charset=utf-8";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(NotBuiltPage), context.RequestAborted);
            return;
        }

        var path = request.Path.Value ?? "/";
        string name;
        if (path.StartsWith("/assets/", StringComparison.Ordinal))
        {
            name = path["/assets/".Length..];
            if (!assets.TryGet(name, out _, out _))
            {
                response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
        }
        else
        {
            // Every other path is a page of the app (/, /jobs/ID): the script routes on the URL, so links can be shared.
            name = "index.html";
        }

        assets.TryGet(name, out var content, out var contentType);
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
        response.ContentLength = content.Length;
        if (HttpMethods.IsGet(request.Method))
        {
            await response.Body.WriteAsync(content, context.RequestAborted);
        }
    }
}
