using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Burst.ServiceDefaults;

/// <summary>The one OpenTelemetry setup of every Burst service: traces, metrics and logs through one pipeline.</summary>
public static class TelemetryExtensions
{
    /// <summary>The gRPC libraries' own meters (calls, durations), named here because no instrumentation package adds them.</summary>
    private static readonly string[] GrpcMeters = ["Grpc.AspNetCore.Server", "Grpc.Net.Client"];

    /// <summary>
    /// OpenTelemetry for a hosted service, plus the health-check registry that
    /// <see cref="HealthEndpoints"/> serves. Exporters follow <see cref="TelemetryExport.From"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, TelemetryIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBurstTelemetry(builder.Configuration, identity);
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// Registers the tracer, meter and logger providers. A host starts them; without a host,
    /// <see cref="StandaloneTelemetry"/> does. The providers are always there, so that spans and
    /// trace context exist (and flow to other services) even when nothing is exported.
    /// </summary>
    public static IServiceCollection AddBurstTelemetry(this IServiceCollection services, IConfiguration configuration, TelemetryIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(identity);
        var export = TelemetryExport.From(configuration);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(identity.ServiceName, serviceVersion: identity.ServiceVersion)
                .AddAttributes(identity.Attributes))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource([.. identity.ActivitySources])
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbe(context.Request.Path))
                    .AddGrpcClientInstrumentation()
                    .AddHttpClientInstrumentation();
                if (export.Otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (export.Console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter([.. identity.Meters, .. GrpcMeters])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (export.Otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (export.Console)
                {
                    metrics.AddConsoleExporter();
                }
            })
            .WithLogging(
                logging =>
                {
                    if (export.Otlp)
                    {
                        logging.AddOtlpExporter();
                    }

                    if (export.Console)
                    {
                        logging.AddConsoleExporter();
                    }
                },
                options =>
                {
                    options.IncludeFormattedMessage = true;
                    options.IncludeScopes = true;
                });
        return services;
    }

    /// <summary>Probes arrive every few seconds from load balancers and kubelets: tracing them would bury the jobs.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpoints.PathPrefix, StringComparison.Ordinal)
        || path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal);
}
