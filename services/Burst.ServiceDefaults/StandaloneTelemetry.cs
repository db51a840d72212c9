using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Burst.ServiceDefaults;

/// <summary>
/// The same pipeline as <see cref="TelemetryExtensions.AddServiceDefaults"/> for a process without a
/// host (the trainer agent): a private service provider whose tracer and meter providers start here.
/// Dispose it last: that flushes what is still buffered, so a short-lived process loses no span.
/// </summary>
public sealed class StandaloneTelemetry : IDisposable
{
    private readonly ServiceProvider _services;

    private StandaloneTelemetry(ServiceProvider services)
    {
        _services = services;
        Tracing = services.GetRequiredService<TracerProvider>();
        Metrics = services.GetRequiredService<MeterProvider>();
        Loggers = services.GetRequiredService<ILoggerFactory>();
    }

    public TracerProvider Tracing { get; }

    public MeterProvider Metrics { get; }

    /// <summary>Loggers whose records go through OpenTelemetry as well as to the providers <c>configureLogging</c> adds.</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>
    /// Starts telemetry for <paramref name="identity"/>, configured by <paramref name="configuration"/>
    /// (by default the environment: OTEL_*, BURST_OTEL_CONSOLE). <paramref name="configureServices"/>
    /// runs last (tests add in-memory exporters there).
    /// </summary>
    public static StandaloneTelemetry Start(
        TelemetryIdentity identity,
        IConfiguration? configuration = null,
        Action<ILoggingBuilder>? configureLogging = null,
        Action<IServiceCollection>? configureServices = null)
    {
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(logging => configureLogging?.Invoke(logging));
        services.AddBurstTelemetry(configuration, identity);
        configureServices?.Invoke(services);
        return new StandaloneTelemetry(services.BuildServiceProvider());
    }

    /// <summary>Exports what is buffered now: before something that may end the process (a VM powering off).</summary>
    public void Flush()
    {
        Tracing.ForceFlush();
        Metrics.ForceFlush();
        _services.GetService<LoggerProvider>()?.ForceFlush();
    }

    public void Dispose()
    {
        Flush();
        _services.Dispose();
    }
}
