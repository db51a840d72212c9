using Microsoft.Extensions.Configuration;

namespace Burst.ServiceDefaults.Tests;

public sealed class TelemetryExportTests
{
    [Fact]
    public void Nothing_is_exported_unless_asked()
    {
        var export = TelemetryExport.From(Configuration());

        Assert.Equal(new TelemetryExport(Otlp: false, Console: false), export);
    }

    [Fact]
    public void An_otlp_endpoint_turns_on_otlp_export()
    {
        var export = TelemetryExport.From(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")));

        Assert.True(export.Otlp);
        Assert.False(export.Console);
    }

    [Theory]
    [InlineData("Burst:Telemetry:Console", "true")]
    [InlineData("Burst:Telemetry:Console", "True")]
    [InlineData("BURST_OTEL_CONSOLE", "1")]
    public void The_console_is_used_when_asked(string key, string value)
    {
        Assert.True(TelemetryExport.From(Configuration((key, value))).Console);
    }

    [Theory]
    [InlineData("Burst:Telemetry:Console", "false")]
    [InlineData("BURST_OTEL_CONSOLE", "0")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", " ")]
    public void Off_values_and_blank_endpoints_export_nothing(string key, string value)
    {
        Assert.Equal(new TelemetryExport(false, false), TelemetryExport.From(Configuration((key, value))));
    }

    [Fact]
    public void The_version_drops_the_commit_suffix()
    {
        var version = TelemetryIdentity.VersionOf(typeof(TelemetryIdentity).Assembly);

        Assert.DoesNotContain("+", version, StringComparison.Ordinal);
        Assert.StartsWith("0.1.0", version, StringComparison.Ordinal);
    }

    internal static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
