using Burst.Cloud.Tls;
using Burst.ControlPlane.Security;
using Burst.ControlPlane.Tests.Support;
using Burst.Tests.Shared;
using Burst.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Burst.ControlPlane.Tests.Security;

public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public void Dispose() => _certs.Dispose();

    private Task<TestControlPlane> StartAsync(bool mutual) =>
        TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null }, configure: o =>
        {
            o.TlsCertificateFile = _certs.ServerCertFile;
            o.TlsKeyFile = _certs.ServerKeyFile;
            o.ClientCaFile = mutual ? _certs.CaFile : null;
        });

    private static GrpcChannel Channel(Uri address, string? caFile, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        if (caFile is not null)
        {
            PrivateCaTrust.FromPemFile(caFile).Apply(handler);
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
    }

    [Fact]
    public async Task With_a_certificate_the_endpoint_speaks_tls_to_a_client_that_trusts_the_private_ca()
    {
        await using var cp = await StartAsync(mutual: false);
        using var trusting = Channel(cp.Address, _certs.CaFile);
        using var plain = Channel(cp.Address, caFile: null);

        var listed = await new JobService.JobServiceClient(trusting).ListJobsAsync(new ListJobsRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new JobService.JobServiceClient(plain).ListJobsAsync(new ListJobsRequest()));

        Assert.Equal("https", cp.Address.Scheme);
        Assert.Empty(listed.Jobs);
        // The client refuses the handshake itself (grpc-dotnet reports it as INTERNAL or UNAVAILABLE).
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Internal, StatusCode.Unavailable });
    }

    [Fact]
    public async Task Under_mtls_a_client_certificate_of_the_ca_opens_job_service_and_no_certificate_is_refused()
    {
        await using var cp = await StartAsync(mutual: true);
        using var clientCertificate = _certs.ClientCertificate();
        using var withCertificate = Channel(cp.Address, _certs.CaFile, clientCertificate);
        using var without = Channel(cp.Address, _certs.CaFile);

        var listed = await new JobService.JobServiceClient(withCertificate).ListJobsAsync(new ListJobsRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new JobService.JobServiceClient(without).ListJobsAsync(new ListJobsRequest()));
        var health = await new Health.HealthClient(without).CheckAsync(new HealthCheckRequest());

        Assert.Empty(listed.Jobs);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("client certificate", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Under_mtls_a_client_certificate_of_another_ca_fails_the_handshake()
    {
        using var other = TestCertificates.Create("Another CA");
        await using var cp = await StartAsync(mutual: true);
        using var stranger = other.ClientCertificate();
        using var channel = Channel(cp.Address, _certs.CaFile, stranger);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new JobService.JobServiceClient(channel).ListJobsAsync(new ListJobsRequest()));

        Assert.Contains(refused.StatusCode, new[] { StatusCode.Internal, StatusCode.Unavailable });
    }

    [Fact]
    public void A_certificate_without_its_key_or_a_client_ca_without_tls_is_a_start_up_error()
    {
        var validator = new SecurityOptionsValidator();

        var noKey = validator.Validate(null, new ControlPlaneOptions { TlsCertificateFile = _certs.ServerCertFile });
        var caOnly = validator.Validate(null, new ControlPlaneOptions { ClientCaFile = _certs.CaFile });
        var swapped = validator.Validate(null, new ControlPlaneOptions { TlsCertificateFile = _certs.ServerKeyFile, TlsKeyFile = _certs.ServerCertFile });

        Assert.Contains("--tls-key", noKey.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("--client-ca (Burst:ClientCaFile) needs TLS", caOnly.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("cannot load the certificate and key", swapped.FailureMessage, StringComparison.Ordinal);
    }
}

public sealed class AgentCaTests
{
    [Fact]
    public void A_gce_worker_is_given_the_agent_ca_certificate_as_an_instance_attribute()
    {
        using var certs = TestCertificates.Create();
        var options = new Burst.ControlPlane.Providers.Gce.GceOptions { Project = "p", AgentCaFile = certs.CaFile };
        var launch = new Burst.ControlPlane.Providers.WorkerLaunch("j-1", "w-1", "https://10.0.0.2:50051", "tok", "00-abc-def-01", new JobSpec());

        var vm = Burst.ControlPlane.Providers.Gce.GceInstances.Build(launch, "us-central1-a", "n", "projects/p/global/images/burst-1", "#!/bin/bash", options);

        Assert.Equal(File.ReadAllText(certs.CaFile), vm.Metadata!["burst-ca-cert"]);
        Assert.Equal("https://10.0.0.2:50051", vm.Metadata["burst-control-plane"]);
    }
}
