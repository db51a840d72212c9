using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1;
using Burst.ControlPlane.Providers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task The_program_serves_health_per_service_and_reflection()
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-cp-waf-").FullName;
        // The job it submits must not start a real agent: a fake provider that starts none stands in.
        await using (var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Burst:DataDir", dataDir)
            .ConfigureTestServices(services =>
            {
                services.RemoveAll<IWorkerProvider>();
                services.AddSingleton<IWorkerProvider>(new FakeWorkerProvider { Behavior = _ => null });
            })))
        {
            using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
            var health = new Health.HealthClient(channel);

            var jobs = await health.CheckAsync(new HealthCheckRequest { Service = "burst.v1.JobService" });
            var agents = await health.CheckAsync(new HealthCheckRequest { Service = "burst.v1.AgentService" });
            var services = await ListServicesAsync(channel);
            var job = await new JobService.JobServiceClient(channel).SubmitJobAsync(new SubmitJobRequest());

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, jobs.Status);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, agents.Status);
            Assert.Contains("burst.v1.JobService", services);
            Assert.Contains("burst.v1.AgentService", services);
            Assert.StartsWith(Path.Combine(dataDir, "models"), job.Spec.Output.ModelUri, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dataDir, "burst.db")));
        }

        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task The_content_root_is_the_programs_folder_and_no_settings_file_is_watched()
    {
        // Started from a folder that holds its data dir, a watched content root took an inotify event per store write.
        var dataDir = Directory.CreateTempSubdirectory("burst-cp-root-").FullName;
        await using (var app = ControlPlaneApp.Build(new ControlPlaneOptions { Listen = "http://127.0.0.1:0", DataDir = dataDir }))
        {
            var json = ((IConfigurationRoot)app.Configuration).Providers.OfType<JsonConfigurationProvider>().ToList();

            Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
            Assert.Contains(json, p => p.Source.Path == "appsettings.json");
            Assert.All(json, p => Assert.False(p.Source.ReloadOnChange, $"{p.Source.Path} is reloaded on change"));
        }

        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task A_control_plane_on_port_zero_reports_the_port_it_bound()
    {
        await using var cp = await TestControlPlane.StartAsync();

        Assert.Equal("127.0.0.1", cp.Address.Host);
        Assert.NotEqual(0, cp.Address.Port);
        Assert.NotNull(await cp.Jobs.ListJobsAsync(new ListJobsRequest()));
    }

    [Theory]
    [InlineData("MaxConcurrentJobs", "0", "Burst:MaxConcurrentJobs")]
    [InlineData("Listen", "ftp://127.0.0.1:1", "Burst:Listen")]
    [InlineData("Listen", "http://example.com:50051", "Burst:Listen")]
    [InlineData("HeartbeatTimeout", "00:00:01", "Burst:HeartbeatTimeout")]
    public async Task A_bad_setting_fails_the_start_naming_it(string key, string value, string named)
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-cp-config-").FullName;
        var options = new ControlPlaneOptions { Listen = "http://127.0.0.1:0", DataDir = dataDir };

        // Whichever comes first, building or starting, must refuse it.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ControlPlaneApp.Build(options, [$"--Burst:{key}={value}"]);
            await app.StartAsync();
        });
        Directory.Delete(dataDir, recursive: true);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ListServicesAsync(GrpcChannel channel)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        await call.ResponseStream.MoveNext(CancellationToken.None);
        return call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
    }
}
