using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Burst.Fakes;

/// <summary>A plain-http Kestrel server on 127.0.0.1 and a free port, answering every request with one handler.</summary>
internal sealed class FakeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address { get; }

    /// <summary>127.0.0.1:PORT, the form the *_HOST variables take.</summary>
    public string HostAndPort => $"{Address.Host}:{Address.Port}";

    public static async Task<FakeHost> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            try
            {
                await handler(context);
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                // A bug in a fake should read as one, not as a mystery 500.
                await ErrorAsync(context, 500, "fakeFailed", $"the fake failed on {context.Request.Method} {context.Request.Path}: {e}");
            }
        });
        await app.StartAsync();
        return new FakeHost(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    /// <summary>The request target as the client sent it (path still percent-encoded, so %2F stays inside a segment).</summary>
    public static (string[] Segments, Dictionary<string, string> Query) Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? raw : raw[..question];
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (question >= 0)
        {
            foreach (var pair in raw[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
                query[key] = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return (segments, query);
    }

    /// <summary>The request body as text; Google's client libraries gzip JSON bodies (Content-Encoding: gzip).</summary>
    public static async Task<string> ReadBodyAsync(HttpContext context)
    {
        Stream body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding.Contains("gzip"))
        {
            body = new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress);
        }

        return await new StreamReader(body).ReadToEndAsync();
    }

    /// <summary>A Google API error body: {"error": {"code", "message", "errors": [{"reason", "message", "domain"}]}}.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string reason, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new
        {
            error = new
            {
                code = status,
                message,
                errors = new[] { new { reason, message, domain = "global" } },
            },
        });
    }
}
