using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Burst.ControlPlane.Tests.Support;
using Burst.ControlPlane.Web;
using Burst.V1;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Tests.Web;

public sealed class DashboardTests
{
    [Fact]
    public async Task The_web_port_answers_every_page_path_with_the_bundled_page()
    {
        var webPort = FreePort();
        await using var cp = await TestControlPlane.StartAsync(configure: o => o.WebListen = $"http://127.0.0.1:{webPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };

        var root = await http.GetAsync(new Uri("/", UriKind.Relative));
        var jobPage = await http.GetAsync(new Uri("/jobs/j-01m8example", UriKind.Relative));
        var script = await http.GetAsync(new Uri("/assets/app.js", UriKind.Relative));
        var missing = await http.GetAsync(new Uri("/assets/nothing.js", UriKind.Relative));
        var post = await http.PostAsync(new Uri("/jobs/j-01m8example", UriKind.Relative), new StringContent("x"));

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", root.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("/assets/app.js", await jobPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(await root.Content.ReadAsStringAsync(), await jobPage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 10_000, "the bundle is embedded");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Job_service_answers_grpc_web_on_the_web_port_and_not_on_the_grpc_port()
    {
        var webPort = FreePort();
        await using var cp = await TestControlPlane.StartAsync(configure: o => o.WebListen = $"http://127.0.0.1:{webPort}");
        var submitted = await cp.SubmitAsync();
        using var http = new HttpClient();

        var onWeb = await http.SendAsync(GrpcWebListJobs(new Uri($"http://127.0.0.1:{webPort}"), HttpVersion.Version11));
        var body = await onWeb.Content.ReadAsByteArrayAsync();
        var onGrpc = await http.SendAsync(GrpcWebListJobs(cp.Address, HttpVersion.Version20));

        Assert.Equal(HttpStatusCode.OK, onWeb.StatusCode);
        Assert.StartsWith("application/grpc-web", onWeb.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // First frame: the message (flag 0); then the trailers frame (flag 0x80) with grpc-status: 0.
        Assert.Equal(0, body[0]);
        var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(1, 4));
        var response = ListJobsResponse.Parser.ParseFrom(body.AsSpan(5, length));
        Assert.Equal([submitted.JobId], response.Jobs.Select(j => j.JobId));
        Assert.Equal(0x80, body[5 + length]);
        Assert.Contains("grpc-status: 0", System.Text.Encoding.ASCII.GetString(body, 10 + length, body.Length - 10 - length), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, onGrpc.StatusCode);
    }

    [Fact]
    public async Task Without_web_listen_no_dashboard_port_is_opened()
    {
        await using var cp = await TestControlPlane.StartAsync();

        var addresses = cp.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;

        Assert.Single(addresses);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0", "fixed port")]
    [InlineData("http://127.0.0.1:50051", "another port")]
    [InlineData("dashboard", "Burst:WebListen")]
    [InlineData("http://127.0.0.1:8080/ui", "path")]
    public async Task A_bad_web_listen_setting_fails_the_start_naming_it(string value, string named)
    {
        var dataDir = Directory.CreateTempSubdirectory("burst-cp-web-").FullName;
        var options = new ControlPlaneOptions { Listen = "http://127.0.0.1:50051", DataDir = dataDir, WebListen = value };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ControlPlaneApp.Build(options);
            await app.StartAsync();
        });
        Directory.Delete(dataDir, recursive: true);

        Assert.Contains("Burst:WebListen (--web-listen)", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("none", true)]
    [InlineData(" NONE ", true)]
    [InlineData("http://127.0.0.1:8080", false)]
    public void Unset_and_none_mean_no_dashboard(string? value, bool off) =>
        Assert.Equal(off, WebListenProbe.IsOff(value));

    [Fact]
    public void The_probe_sees_a_port_in_use_and_the_same_port_once_it_is_free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var whileTaken = WebListenProbe.CanBind(url);
        listener.Stop();
        var afterwards = WebListenProbe.CanBind(url);

        Assert.False(whileTaken);
        Assert.True(afterwards);
    }

    private static HttpRequestMessage GrpcWebListJobs(Uri server, Version version)
    {
        var message = new ListJobsRequest { PageSize = 10 }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1, 4), message.Length);
        message.CopyTo(frame, 5);
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc-web+proto");
        return new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/burst.v1.JobService/ListJobs"))
        {
            Content = content,
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
