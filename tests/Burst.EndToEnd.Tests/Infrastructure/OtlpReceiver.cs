using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Burst.EndToEnd.Tests.Infrastructure;

/// <summary>A span as an OTLP exporter sent it; ids in lowercase hex, empty parent for a root.</summary>
internal sealed record OtlpSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A log record: its service and the span it was written in (empty ids outside any span).</summary>
internal sealed record OtlpLog(string Service, string TraceId, string SpanId);

/// <summary>
/// A tiny OTLP/HTTP receiver on 127.0.0.1 (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf). The OTLP
/// protos are not on this project's feed, so the few fields a test needs are read by field number
/// with Google.Protobuf's CodedInputStream (opentelemetry-proto: collector/*/v1, trace/v1, logs/v1, metrics/v1).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentQueue<OtlpLog> _logs = new();
    private readonly ConcurrentQueue<(string Service, string Metric)> _metrics = new();
    private readonly ConcurrentQueue<byte[]> _payloads = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    public IReadOnlyList<OtlpLog> Logs => [.. _logs];

    public IReadOnlyList<(string Service, string Metric)> Metrics => [.. _metrics];

    /// <summary>Every export request as received (decompressed): all spans, events, logs and attributes, as bytes.</summary>
    public IReadOnlyList<byte[]> Payloads => [.. _payloads];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", (HttpRequest request) => receiver.ReceiveAsync(request, receiver.ReadTraces));
        app.MapPost("/v1/logs", (HttpRequest request) => receiver.ReceiveAsync(request, receiver.ReadLogs));
        app.MapPost("/v1/metrics", (HttpRequest request) => receiver.ReceiveAsync(request, receiver.ReadMetrics));
        await app.StartAsync();
        receiver.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpRequest request, Action<byte[]> read)
    {
        using var body = new MemoryStream();
        var content = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(request.Body, CompressionMode.Decompress)
            : request.Body;
        await content.CopyToAsync(body);

        // An empty Export*ServiceResponse is zero bytes of protobuf: full success.
        _payloads.Enqueue(body.ToArray());
        read(body.ToArray());
        return Results.Bytes([], "application/x-protobuf");
    }

    // ExportTraceServiceRequest: resource_spans=1 -> resource=1, scope_spans=2 -> spans=2.
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Repeated(request, 1))
        {
            var service = ServiceName(resourceSpans);
            foreach (var scopeSpans in Repeated(resourceSpans, 2))
            {
                foreach (var span in Repeated(scopeSpans, 2))
                {
                    _spans.Enqueue(ReadSpan(service, span));
                }
            }
        }
    }

    // ExportLogsServiceRequest: resource_logs=1 -> resource=1, scope_logs=2 -> log_records=2 (trace_id=9, span_id=10).
    private void ReadLogs(byte[] request)
    {
        foreach (var resourceLogs in Repeated(request, 1))
        {
            var service = ServiceName(resourceLogs);
            foreach (var scopeLogs in Repeated(resourceLogs, 2))
            {
                foreach (var record in Repeated(scopeLogs, 2))
                {
                    _logs.Enqueue(new OtlpLog(service, Hex(Single(record, 9)), Hex(Single(record, 10))));
                }
            }
        }
    }

    // ExportMetricsServiceRequest: resource_metrics=1 -> resource=1, scope_metrics=2 -> metrics=2 (name=1).
    private void ReadMetrics(byte[] request)
    {
        foreach (var resourceMetrics in Repeated(request, 1))
        {
            var service = ServiceName(resourceMetrics);
            foreach (var scopeMetrics in Repeated(resourceMetrics, 2))
            {
                foreach (var metric in Repeated(scopeMetrics, 2))
                {
                    _metrics.Enqueue((service, Text(Single(metric, 1))));
                }
            }
        }
    }

    // Span: trace_id=1, span_id=2, parent_span_id=4, name=5, attributes=9.
    private static OtlpSpan ReadSpan(string service, byte[] span) => new(
        service,
        Hex(Single(span, 1)),
        Hex(Single(span, 2)),
        Hex(Single(span, 4)),
        Text(Single(span, 5)),
        Attributes(Repeated(span, 9)));

    // Resource: attributes=1.
    private static string ServiceName(byte[] resourceParent) =>
        Attributes(Repeated(Single(resourceParent, 1), 1)).GetValueOrDefault("service.name", "");

    // KeyValue: key=1, value=2 -> AnyValue: string_value=1, bool_value=2, int_value=3, double_value=4.
    private static Dictionary<string, string> Attributes(IEnumerable<byte[]> keyValues)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in keyValues)
        {
            var value = Single(keyValue, 2);
            var input = new CodedInputStream(value);
            var text = "";
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                text = WireFormat.GetTagFieldNumber(tag) switch
                {
                    1 => input.ReadString(),
                    2 => input.ReadBool() ? "true" : "false",
                    3 => input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    4 => input.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => Skip(input),
                };
            }

            attributes[Text(Single(keyValue, 1))] = text;
        }

        return attributes;
    }

    private static string Skip(CodedInputStream input)
    {
        input.SkipLastField();
        return "";
    }

    /// <summary>Every length-delimited occurrence of a field.</summary>
    private static List<byte[]> Repeated(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static byte[] Single(byte[] message, int field) => Repeated(message, field).LastOrDefault() ?? [];

    private static string Hex(byte[] bytes) => bytes.All(b => b == 0) ? "" : Convert.ToHexStringLower(bytes);

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
