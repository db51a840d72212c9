using System.CommandLine;
using Burst.Cli.Rendering;
using Burst.Cli.Watching;
using Burst.ControlPlane;
using Burst.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Burst.Cli.Commands;

/// <summary>
/// <c>burst demo [--trials N] [--keep]</c>: the whole flow on this machine. It starts a control plane in-process
/// on a free port with the local provider and a temporary data dir, submits the default Census job, watches it
/// live and ends with the model path and <c>Test accuracy: 0.87xx</c>.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var trials = new Option<int>("--trials")
        {
            Description = "Configs to try (default: the server's, 20)",
            HelpName = "N",
        };
        var keep = new Option<bool>("--keep")
        {
            Description = "Keep the whole data dir (job database, worker logs), not only the model",
        };
        var command = new Command("demo", "Run a Census training job end to end on this machine") { trials, keep };
        command.SetAction((parseResult, cancellationToken) =>
            CommandRunner.RunAsync(context, null, ct => RunAsync(context, parseResult.Given(trials), parseResult.GetValue(keep), ct), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, int? trials, bool keep, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-demo-").FullName;
        var options = new ControlPlaneOptions
        {
            Listen = "http://127.0.0.1:0",
            DataDir = dataDir,
            // The demo's agents must not outlive it: nothing would adopt them.
            StopWorkersOnShutdown = true,
        };
        context.Out.WriteLine(keep
            ? $"Starting a control plane with the local provider (data dir, kept: {dataDir})"
            : $"Starting a control plane with the local provider (data dir: {dataDir}; the model is kept, the rest removed)");
        try
        {
            var outcome = await SubmitAndWatchAsync(context, options, trials, cancellationToken);
            // The watch summary ends with "Test accuracy: 0.87xx", the demo's last line (`burst demo | tail -1`).
            return outcome.ExitCode;
        }
        finally
        {
            if (!keep)
            {
                RemoveAllButModels(context, dataDir);
            }
        }
    }

    private static async Task<WatchOutcome> SubmitAndWatchAsync(
        CliContext context,
        ControlPlaneOptions options,
        int? trials,
        CancellationToken cancellationToken)
    {
        await using var app = ControlPlaneApp.Build(options, configureServices: QuietLogging);
        await app.StartAsync(CancellationToken.None);
        try
        {
            var address = ControlPlaneApp.BoundAddress(app).ToString().TrimEnd('/');
            context.Out.WriteLine($"Control plane listening on {address}");
            using var connection = ServerConnection.Open(address);
            var spec = new JobSpec { DisplayName = "census demo" };
            if (trials is { } count)
            {
                spec.Search = new Search { Trials = count };
            }

            var job = await connection.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec }, cancellationToken: cancellationToken);
            context.Out.WriteLine($"Submitted job {job.JobId}");
            var outcome = await JobWatcher.WatchAsync(context, connection, job, afterSequence: 0, json: false, cancellationToken);
            if (outcome.ExitCode == ExitCodes.Interrupted)
            {
                await CancelQuietlyAsync(connection, job.JobId);
            }

            return outcome;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static async Task CancelQuietlyAsync(ServerConnection connection, string jobId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await connection.Jobs.CancelJobAsync(
                new CancelJobRequest { JobId = jobId, Reason = "burst demo interrupted" },
                cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
        {
            // The control plane stops next and takes its workers with it.
        }
    }

    /// <summary>
    /// Keeps the model (it is what the demo made) and drops the job database and worker logs; a demo that
    /// made no model leaves nothing behind.
    /// </summary>
    private static void RemoveAllButModels(CliContext context, string dataDir)
    {
        var folder = new DirectoryInfo(dataDir);
        if (!folder.Exists)
        {
            return;
        }

        if (!Directory.Exists(Path.Combine(dataDir, "models")))
        {
            TryDelete(context, folder);
            return;
        }

        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (entry.Name == "models")
            {
                continue;
            }

            TryDelete(context, entry);
        }
    }

    private static void TryDelete(CliContext context, FileSystemInfo entry)
    {
        try
        {
            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"burst: could not remove {entry.FullName}: {e.Message}");
        }
    }

    /// <summary>
    /// The live view is the demo's output on stdout: the host logs only warnings and errors, to stderr.
    /// A provider-specific filter, because it wins over the category defaults in configuration.
    /// </summary>
    private static void QuietLogging(IServiceCollection services) =>
        services.AddLogging(logging => logging
            .ClearProviders()
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter<ConsoleLoggerProvider>(category: null, LogLevel.Warning));
}
