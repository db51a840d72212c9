using Burst.ControlPlane.Agents;
using Burst.ControlPlane.Jobs;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Scheduling;
using Burst.ControlPlane.Security;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ControlPlane.Watch;
using Burst.ControlPlane.Web;
using Burst.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane;

/// <summary>The control plane's wiring, in one place.</summary>
internal static class Extensions
{
    public const string JobServiceName = "burst.v1.JobService";
    public const string AgentServiceName = "burst.v1.AgentService";

    /// <summary>Options from <paramref name="given"/>, overridden by the "Burst" configuration section, validated at start.</summary>
    public static IServiceCollection AddControlPlaneOptions(this IServiceCollection services, ControlPlaneOptions given)
    {
        services.AddOptions<ControlPlaneOptions>()
            .Configure(given.CopyTo)
            .BindConfiguration(ControlPlaneOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ControlPlaneOptions>, ControlPlaneOptionsValidator>();
        return services;
    }

    /// <summary>Kestrel listens where Listen says, HTTP/2 only (h2c for http://), and where HealthListen says, HTTP/1.1 only.</summary>
    public static IServiceCollection AddControlPlaneEndpoint(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ControlPlaneOptions>>((kestrel, options) =>
        {
            if (!ListenEndpoint.TryParse(options.Value.Listen, out var endpoint, out var error))
            {
                throw new OptionsValidationException(nameof(ControlPlaneOptions), typeof(ControlPlaneOptions), [$"Burst:Listen: {error}"]);
            }

            void Http2(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http2;
                if (endpoint!.Https || TlsEndpoint.Configured(options.Value))
                {
                    TlsEndpoint.UseHttps(listen, options.Value);
                }
            }

            // Kestrel's default sends no pings: an idle watch would be cut by the first proxy with an idle timeout.
            kestrel.Limits.Http2.KeepAlivePingDelay = options.Value.KeepAlivePingDelay == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : options.Value.KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = options.Value.KeepAlivePingTimeout;
            Listen(kestrel, endpoint!, Http2);
            if (!string.IsNullOrEmpty(options.Value.HealthListen) && ListenEndpoint.TryParse(options.Value.HealthListen, out var health, out _))
            {
                // Probes are plain HTTP/1 GETs: curl, kubelet and cloud load balancers speak no h2c.
                Listen(kestrel, health!, listen => listen.Protocols = HttpProtocols.Http1);
            }

            if (WebPort(options.Value) is not null && ListenEndpoint.TryParse(options.Value.WebListen, out var web, out _))
            {
                // Browsers speak gRPC-Web over HTTP/1.1 to the dashboard's own port (Web/DashboardEndpoints.cs).
                Listen(kestrel, web!, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (web!.Https)
                    {
                        listen.UseHttps();
                    }
                });
            }
        });
        return services;
    }

    public static IServiceCollection AddControlPlaneServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddControlPlaneSecurity();
        services.AddGrpc(grpc =>
        {
            // Who may call is decided before anything else, the store included.
            grpc.Interceptors.Add<ClientAuthInterceptor>();
            grpc.Interceptors.Add<StoreUnavailableInterceptor>();
        });
        services.AddGrpcReflection();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [HealthEndpoints.ReadyTag]);

        // Both services (and the server as a whole, "") need the store: each is NOT_SERVING while it does not answer.
        services.AddGrpcHealthChecks(health =>
        {
            health.Services.Map("", IsReadinessCheck);
            health.Services.Map(JobServiceName, IsReadinessCheck);
            health.Services.Map(AgentServiceName, IsReadinessCheck);
        });

        services.AddSingleton<ControlPlaneMetrics>();
        services.TryAddSingleton<IJobStore>(sp => new MeteredJobStore(
            new SqliteJobStore(sp.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.DataDir),
            sp.GetRequiredService<ControlPlaneMetrics>()));
        services.AddSingleton<JobEventHub>();
        services.AddSingleton<JobQueueSignal>();
        services.AddSingleton<JobIds>();
        services.AddSingleton<BackgroundWork>();
        services.AddSingleton<ControlPlaneAddress>();
        services.AddSingleton<WorkerExits>();
        services.AddSingleton<WorkerProviders>();
        services.AddSingleton<LocalWorkerProvider>();
        services.AddSingleton<IWorkerProvider>(sp => sp.GetRequiredService<LocalWorkerProvider>());
        services.AddSingleton<JobCoordinator>();

        services.AddHostedService<ControlPlaneLifecycle>();
        services.AddHostedService<Scheduler>();
        services.AddHostedService<LivenessMonitor>();
        services.AddHostedService<WorkerExitListener>();
        return services;
    }

    public static WebApplication MapControlPlane(this WebApplication app)
    {
        var healthListen = app.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.HealthListen;
        if (!string.IsNullOrEmpty(healthListen) && ListenEndpoint.TryParse(healthListen, out var health, out _))
        {
            app.UseHealthEndpoints(health!.Port);
        }

        if (WebPort(app.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value) is { } webPort)
        {
            app.UseDashboard(webPort);
        }

        app.UseMessageLimitStatus();

        app.MapGrpcService<JobGrpcService>().EnableGrpcWeb();
        app.MapGrpcService<AgentGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }

    /// <summary>The dashboard's port, or null when it is off (or its address is bad, which the validator reports).</summary>
    private static int? WebPort(ControlPlaneOptions options) =>
        !WebListenProbe.IsOff(options.WebListen) && ListenEndpoint.TryParse(options.WebListen, out var web, out _) && web!.Port > 0 ? web.Port : null;

    private static bool IsReadinessCheck(Grpc.AspNetCore.HealthChecks.HealthCheckMapContext check) => check.Tags.Contains(HealthEndpoints.ReadyTag);

    private static void Listen(KestrelServerOptions kestrel, ListenEndpoint endpoint, Action<ListenOptions> configure)
    {
        if (endpoint.Localhost)
        {
            if (endpoint.Port == 0)
            {
                kestrel.Listen(System.Net.IPAddress.Loopback, 0, configure);
            }
            else
            {
                kestrel.ListenLocalhost(endpoint.Port, configure);
            }
        }
        else
        {
            kestrel.Listen(endpoint.Address!, endpoint.Port, configure);
        }
    }
}
