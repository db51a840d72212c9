using Microsoft.Extensions.Configuration;

namespace Burst.ServiceDefaults;

/// <summary>
/// Where telemetry goes. OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads that and
/// every other standard OTEL_EXPORTER_OTLP_* variable itself, OTEL_EXPORTER_OTLP_PROTOCOL included);
/// the console when Burst:Telemetry:Console or BURST_OTEL_CONSOLE says so; otherwise nowhere, and the
/// instruments cost next to nothing.
/// </summary>
public sealed record TelemetryExport(bool Otlp, bool Console)
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ConsoleKey = "Burst:Telemetry:Console";
    public const string ConsoleVariable = "BURST_OTEL_CONSOLE";

    public static TelemetryExport From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new TelemetryExport(
            !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]),
            IsOn(configuration[ConsoleKey]) || IsOn(configuration[ConsoleVariable]));
    }

    private static bool IsOn(string? value) =>
        value is not null && (value.Trim() == "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));
}
