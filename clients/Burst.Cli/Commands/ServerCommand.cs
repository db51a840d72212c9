using System.CommandLine;
using Burst.ControlPlane;
using Burst.ControlPlane.Security;
using Burst.ControlPlane.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Burst.Cli.Commands;

/// <summary><c>burst server [--listen URL] [--health-listen URL] [--web-listen URL|none] [--data-dir DIR] [--max-concurrent-jobs N] [--advertised-url URL]</c>: runs the control plane until Ctrl+C or SIGTERM.</summary>
internal static class ServerCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new ControlPlaneOptions();
        var listen = new Option<string>("--listen")
        {
            Description = "Where the gRPC endpoint listens (http:// is HTTP/2 without TLS; port 0 picks a free port)",
            HelpName = "URL",
            DefaultValueFactory = _ => defaults.Listen,
        };
        var healthListen = new Option<string?>("--health-listen")
        {
            Description = "Where the HTTP/1 probes /healthz/live and /healthz/ready listen, e.g. http://127.0.0.1:8081 (default: none, or Burst__HealthListen)",
            HelpName = "URL",
        };
        var webListen = new Option<string>("--web-listen")
        {
            Description = $"Where the dashboard (a web page, and JobService over gRPC-Web) listens, or '{WebListenProbe.None}'; a taken default port only turns it off",
            HelpName = "URL",
            DefaultValueFactory = _ => DefaultWebListen,
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Folder for the job database, worker logs and models",
            HelpName = "DIR",
            DefaultValueFactory = _ => defaults.DataDir,
        };
        var maxConcurrentJobs = new Option<int>("--max-concurrent-jobs")
        {
            Description = "Jobs that may run at once; the rest wait queued",
            HelpName = "N",
            DefaultValueFactory = _ => defaults.MaxConcurrentJobs,
        };
        var advertisedUrl = new Option<string?>("--advertised-url")
        {
            Description = "The URL agents dial (default: the bound address); gce workers need one they can reach, e.g. http://10.128.0.2:50051",
            HelpName = "URL",
        };
        var security = ServerSecurityOptions.Create();
        var command = new Command("server", "Run the control plane") { listen, healthListen, webListen, dataDir, maxConcurrentJobs, advertisedUrl };
        security.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
            CommandRunner.RunAsync(context, null, async ct =>
            {
                var options = new ControlPlaneOptions
                {
                    Listen = parseResult.GetValue(listen)!,
                    HealthListen = parseResult.GetValue(healthListen),
                    WebListen = parseResult.GetValue(webListen),
                    DataDir = Path.GetFullPath(parseResult.GetValue(dataDir)!),
                    MaxConcurrentJobs = parseResult.GetValue(maxConcurrentJobs),
                    AdvertisedUrl = parseResult.GetValue(advertisedUrl),
                };
                security.Apply(parseResult, options);
                var webIsDefault = parseResult.GetResult(webListen) is null or { Implicit: true };
                return await RunAsync(context, options, webIsDefault, ct);
            }, cancellationToken));
        return command;
    }

    /// <summary>Runs until the token is cancelled (Ctrl+C, SIGTERM) or the host stops itself; then stops gracefully.</summary>
    private static async Task<int> RunAsync(CliContext context, ControlPlaneOptions options, bool webIsDefault, CancellationToken cancellationToken)
    {
        // A taken default dashboard port must not stop the server: the dashboard is an extra. An explicit one must bind.
        if (webIsDefault && !WebListenProbe.IsOff(options.WebListen) && !WebListenProbe.CanBind(options.WebListen!))
        {
            NoDashboard(context, options);
        }

        WebApplication app;
        try
        {
            // Building reads the options, so a bad setting can surface here already.
            app = ControlPlaneApp.Build(options);
        }
        catch (OptionsValidationException e)
        {
            context.Error.WriteLine($"burst: {e.Message}");
            return ExitCodes.Usage;
        }

        try
        {
            ControlPlaneApp.OpenStore(app);
        }
        catch (Exception e) when (e is DataDirException or OptionsValidationException)
        {
            context.Error.WriteLine($"burst: {e.Message}");
            await app.DisposeAsync();
            return e is DataDirException ? ExitCodes.Failed : ExitCodes.Usage;
        }

        try
        {
            try
            {
                await app.StartAsync(CancellationToken.None);
            }
            catch (IOException) when (webIsDefault && !WebListenProbe.IsOff(options.WebListen) && !WebListenProbe.CanBind(options.WebListen!))
            {
                // Taken between the probe and the bind: start again without it.
                await app.DisposeAsync();
                NoDashboard(context, options);
                app = ControlPlaneApp.Build(options);
                await app.StartAsync(CancellationToken.None);
            }
        }
        catch (OptionsValidationException e)
        {
            context.Error.WriteLine($"burst: {e.Message}");
            await app.DisposeAsync();
            return ExitCodes.Usage;
        }
        catch (IOException e)
        {
            var where = WebListenProbe.IsOff(options.WebListen) ? options.Listen : $"{options.Listen} (gRPC) and {options.WebListen} (--web-listen)";
            context.Error.WriteLine($"burst: cannot listen on {where}: {e.Message}");
            await app.DisposeAsync();
            return ExitCodes.Failed;
        }

        await using var running = app;

        context.Out.WriteLine($"burst control plane listening on {ControlPlaneApp.BoundAddress(app)} (data: {options.DataDir})");
        context.Out.WriteLine($"who may call: {app.Services.GetRequiredService<ClientAccess>().Describe()}");
        if (app.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.HealthListen is { Length: > 0 } health)
        {
            context.Out.WriteLine($"health probes on {health.TrimEnd('/')}/healthz/live and /healthz/ready");
        }

        if (!WebListenProbe.IsOff(options.WebListen))
        {
            context.Out.WriteLine($"dashboard on {options.WebListen!.TrimEnd('/')}/");
        }

        await context.Out.FlushAsync(CancellationToken.None);

        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        context.Out.WriteLine("burst control plane stopped");
        return ExitCodes.Success;
    }

    private const string DefaultWebListen = "http://127.0.0.1:8080";

    private static void NoDashboard(CliContext context, ControlPlaneOptions options)
    {
        context.Error.WriteLine($"burst: {options.WebListen} is taken, so no dashboard; pick another address with --web-listen URL (or --web-listen none)");
        options.WebListen = WebListenProbe.None;
    }
}
