using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Burst.ServiceDefaults.Tests;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Readiness_follows_the_ready_checks_while_liveness_stays_up_on_the_health_port_only()
    {
        var check = new SwitchableCheck();
        var healthPort = FreePort();
        var appPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, appPort);
            kestrel.Listen(IPAddress.Loopback, healthPort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddHealthChecks()
            .AddCheck("store", check, tags: [HealthEndpoints.ReadyTag])
            .AddCheck("not-for-readiness", () => HealthCheckResult.Unhealthy("ignored"));
        await using var app = builder.Build();
        app.UseHealthEndpoints(healthPort);
        app.MapGet("/hello", () => "hi");
        await app.StartAsync();
        using var http = new HttpClient();
        var health = $"http://127.0.0.1:{healthPort}";

        var readyBefore = await http.GetAsync(new Uri(health + HealthEndpoints.ReadyPath));
        check.Healthy = false;
        var readyAfter = await http.GetAsync(new Uri(health + HealthEndpoints.ReadyPath));
        var live = await http.GetAsync(new Uri(health + HealthEndpoints.LivePath));
        var appOnHealthPort = await http.GetAsync(new Uri(health + "/hello"));
        var probeOnAppPort = await http.GetAsync(new Uri($"http://127.0.0.1:{appPort}{HealthEndpoints.ReadyPath}"));
        var app200 = await http.GetAsync(new Uri($"http://127.0.0.1:{appPort}/hello"));

        Assert.Equal(HttpStatusCode.OK, readyBefore.StatusCode);
        Assert.Equal(HttpVersion.Version11, readyBefore.Version);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyAfter.StatusCode);
        Assert.Equal("Unhealthy", await readyAfter.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, appOnHealthPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, probeOnAppPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, app200.StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class SwitchableCheck : IHealthCheck
    {
        public volatile bool Healthy = true;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(Healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off"));
    }
}
