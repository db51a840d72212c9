using System.Runtime.InteropServices;
using Burst.Cloud.Metadata;
using Burst.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace Burst.TrainerAgent.Agent;

/// <summary>
/// `burst-agent agent`: attach to a control plane and run the job's trials.
/// Configuration comes from flags or the environment the provider sets:
/// BURST_CONTROL_PLANE, BURST_JOB_ID, BURST_WORKER_ID, BURST_AGENT_TOKEN, TRACEPARENT, BURST_EXIT_ACTION.
/// On a Compute Engine VM, given neither flags nor BURST_CONTROL_PLANE, it reads them from the
/// metadata server's instance attributes (burst-control-plane, burst-job-id, ...).
/// Exit codes: 0 done (shut down or cancelled), 2 usage, 3 refused by the control plane, 4 control plane unreachable.
/// </summary>
public static class AgentMode
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        AgentSettings settings;
        try
        {
            settings = await ResolveSettingsAsync(args, ct).ConfigureAwait(false);
        }
        catch (AgentUsageException e)
        {
            await Console.Error.WriteLineAsync($"burst-agent agent: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        // Logs go to stdout (the provider's log file) and, like spans and metrics, to OTLP when configured.
        using var telemetry = AgentTelemetry.Start(settings, b => b
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            }));
        var loggers = telemetry.Loggers;
        using var agentSpan = AgentTelemetry.Span("burst.agent", TraceParents.Parse(settings.TraceParent), settings);
        var logger = loggers.CreateLogger("burst-agent");

        // The provider stops an agent with SIGTERM: stop the work and leave quickly.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            AgentLog.Signalled(logger);
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The signal came as the agent was already leaving.
            }
        });

        var store = AgentStores.Create();
        var session = new AgentSession(settings, store, loggers, TimeProvider.System, agentSpan.Span?.Context ?? TraceParents.Parse(settings.TraceParent));
        try
        {
            var outcome = await session.RunAsync(stop.Token).ConfigureAwait(false);
            agentSpan.Span?.SetTag("burst.agent.outcome", outcome.ToString());
            switch (outcome)
            {
                case AgentSession.Outcome.Shutdown:
                    // A VM's exit action may power it off mid-export: the job's last spans go out first.
                    agentSpan.Dispose();
                    telemetry.Flush();
                    await ExitActions.RunAsync(settings.ExitAction, logger, CancellationToken.None).ConfigureAwait(false);
                    return 0;
                case AgentSession.Outcome.Cancelled:
                    return 0;
                case AgentSession.Outcome.Refused:
                    return 3;
                default:
                    return 4;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 143;
        }
    }

    /// <summary>Flags and environment; on a VM with neither, the metadata server's instance attributes.</summary>
    private static async Task<AgentSettings> ResolveSettingsAsync(string[] args, CancellationToken ct)
    {
        if (args.Length > 0 || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AgentSettings.ControlPlaneVariable)))
        {
            return AgentSettings.Parse(args, Environment.GetEnvironmentVariable);
        }

        using var metadata = MetadataClient.FromEnvironment(TimeSpan.FromSeconds(5));
        if (!await metadata.IsAvailableAsync(ct).ConfigureAwait(false))
        {
            // Not on a VM: the usage error names the flags and variables that are missing.
            return AgentSettings.Parse(args, Environment.GetEnvironmentVariable);
        }

        await Console.Error.WriteLineAsync($"burst-agent agent: reading the settings from the metadata server at {metadata.BaseAddress}").ConfigureAwait(false);
        return await AgentSettings.FromMetadataAsync(new MetadataServerAttributes(metadata), Environment.GetEnvironmentVariable, ct).ConfigureAwait(false);
    }
}
