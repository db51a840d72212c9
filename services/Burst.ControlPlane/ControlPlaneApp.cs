using Burst.ControlPlane.Providers.Gce;
using Burst.ControlPlane.Runtime;
using Burst.ControlPlane.Store;
using Burst.ControlPlane.Telemetry;
using Burst.ServiceDefaults;
using Microsoft.AspNetCore.Hosting.Server;

namespace Burst.ControlPlane;

/// <summary>Builds a control plane: the exe's Program, `burst server`, `burst demo` and tests all start here.</summary>
public static class ControlPlaneApp
{
    /// <summary>
    /// A control plane with <paramref name="options"/> (keys of the "Burst" configuration section
    /// override them). <paramref name="configureServices"/> runs last, so it can replace services
    /// (a worker provider, the TimeProvider).
    /// </summary>
    public static WebApplication Build(ControlPlaneOptions options, string[]? args = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The content root is the program's folder, not the working directory, and appsettings.json is
        // read once: reloading it on change would watch the content root's whole tree (a server started
        // from a folder that holds its data dir took an inotify event for every write of the job store).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. args ?? []],
            ContentRootPath = AppContext.BaseDirectory,
        });

        // One line per request is noise next to the job log; "Logging" configuration can turn it back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddServiceDefaults(ControlPlaneTelemetry.Identity);
        builder.Services
            .AddControlPlaneOptions(options)
            .AddControlPlaneEndpoint()
            .AddControlPlaneServices()
            .AddGceProvider(builder.Configuration);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapControlPlane();
        return app;
    }

    /// <summary>
    /// Opens the job store in the data dir now rather than as the host starts, so that a data dir that
    /// cannot be used stops the start with one <see cref="DataDirException"/> saying why, not a host failure.
    /// </summary>
    public static void OpenStore(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetRequiredService<IJobStore>();
    }

    /// <summary>After StartAsync: the URL the server really listens on (port 0 resolved).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = ControlPlaneAddress.Bound(app.Services.GetRequiredService<IServer>())
            ?? throw new InvalidOperationException("The control plane has no bound address: call it after StartAsync.");
        return new Uri(address);
    }
}
