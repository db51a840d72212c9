using System.Net;
using System.Net.Sockets;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Tests.Support;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Burst.ControlPlane.Tests.Telemetry;

public sealed class HealthTests
{
    private static readonly string[] Services = ["", "burst.v1.JobService", "burst.v1.AgentService"];

    [Fact]
    public async Task Every_service_is_not_serving_while_the_store_is_unavailable_and_serving_again_after()
    {
        var healthPort = FreePort();
        await using var cp = await TestControlPlane.StartAsync(
            configure: o => o.HealthListen = $"http://127.0.0.1:{healthPort}",
            services: s =>
            {
                s.RemoveAll<IJobStore>();
                s.AddSingleton<IJobStore>(sp => new SwitchableJobStore(new SqliteJobStore(sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.DataDir)));
            });
        var store = (SwitchableJobStore)cp.Services.GetRequiredService<IJobStore>();
        var health = new Health.HealthClient(cp.Channel);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };

        var before = await StatusesAsync(health);
        var readyBefore = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        store.Available = false;
        var during = await StatusesAsync(health);
        var readyDuring = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        var liveDuring = await http.GetAsync(new Uri("/healthz/live", UriKind.Relative));
        var submit = await Assert.ThrowsAsync<RpcException>(() => cp.SubmitAsync());
        store.Available = true;
        var after = await StatusesAsync(health);
        var readyAfter = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));

        Assert.All(before, s => Assert.Equal(ServingStatus.Serving, s));
        Assert.All(during, s => Assert.Equal(ServingStatus.NotServing, s));
        Assert.All(after, s => Assert.Equal(ServingStatus.Serving, s));
        Assert.Equal(HttpStatusCode.OK, readyBefore.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyDuring.StatusCode);
        Assert.Equal(HttpStatusCode.OK, liveDuring.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyAfter.StatusCode);
        Assert.Equal(StatusCode.Unavailable, submit.StatusCode);
    }

    [Fact]
    public async Task A_database_file_that_disappears_makes_every_service_not_serving()
    {
        await using var cp = await TestControlPlane.StartAsync();
        var health = new Health.HealthClient(cp.Channel);
        var before = await StatusesAsync(health);

        foreach (var file in Directory.GetFiles(cp.DataDir, "burst.db*"))
        {
            File.Delete(file);
        }

        var after = await StatusesAsync(health);

        Assert.All(before, s => Assert.Equal(ServingStatus.Serving, s));
        Assert.All(after, s => Assert.Equal(ServingStatus.NotServing, s));
    }

    [Theory]
    [InlineData("http://127.0.0.1:0", "fixed port")]
    [InlineData("https://127.0.0.1:8443", "fixed port")]
    [InlineData("http://127.0.0.1:50051", "another port")]
    [InlineData("health", "Burst:HealthListen")]
    public async Task A_bad_health_listen_setting_fails_the_start_naming_it(string value, string named)
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-cp-health-").FullName;
        var options = new ControlPlaneOptions { Listen = "http://127.0.0.1:50051", DataDir = dataDir, HealthListen = value };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ControlPlaneApp.Build(options);
            await app.StartAsync();
        });
        Directory.Delete(dataDir, recursive: true);

        Assert.Contains("Burst:HealthListen", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<ServingStatus>> StatusesAsync(Health.HealthClient health)
    {
        var statuses = new List<ServingStatus>();
        foreach (var service in Services)
        {
            statuses.Add((await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
        }

        return statuses;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
