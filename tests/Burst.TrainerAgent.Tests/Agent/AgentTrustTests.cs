using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Burst.Tests.Shared;
using Burst.TrainerAgent.Agent;

namespace Burst.TrainerAgent.Tests.Agent;

public sealed class AgentTrustTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public void Dispose() => _certs.Dispose();

    private Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            [AgentSettings.ControlPlaneVariable] = "https://127.0.0.1:50051",
            [AgentSettings.JobIdVariable] = "j-1",
            [AgentSettings.WorkerIdVariable] = "w-1",
            [AgentSettings.TokenVariable] = "t",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    [Fact]
    public void Burst_ca_file_makes_the_agent_trust_that_ca_for_an_https_control_plane()
    {
        var environment = Environment((AgentSettings.CaFileVariable, _certs.CaFile));

        var settings = AgentSettings.Parse([], n => environment.GetValueOrDefault(n));

        Assert.Equal("https", settings.ControlPlane.Scheme);
        var trust = Assert.IsType<Burst.Cloud.Tls.PrivateCaTrust>(settings.Trust);
        using var server = X509CertificateLoader.LoadCertificateFromFile(_certs.ServerCertFile);
        Assert.True(trust.Accepts(server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(trust.Accepts(server, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_certificate_of_another_ca_is_not_trusted()
    {
        using var other = TestCertificates.Create("Another CA");
        var trust = Burst.Cloud.Tls.PrivateCaTrust.FromPemFile(_certs.CaFile);
        using var stranger = X509CertificateLoader.LoadCertificateFromFile(other.ServerCertFile);

        Assert.False(trust.Accepts(stranger, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void An_unreadable_ca_file_is_a_usage_error_naming_it()
    {
        var environment = Environment((AgentSettings.CaFileVariable, "/nonexistent/ca.pem"));

        var error = Assert.Throws<AgentUsageException>(() => AgentSettings.Parse([], n => environment.GetValueOrDefault(n)));

        Assert.Contains("--ca-file /nonexistent/ca.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_vm_the_ca_certificate_comes_from_the_burst_ca_cert_attribute()
    {
        var attributes = Environment().ToDictionary(kv => AgentSettings.MetadataAttributes[kv.Key], kv => kv.Value);
        attributes[AgentSettings.CaCertificateAttribute] = await File.ReadAllTextAsync(_certs.CaFile);

        var settings = await AgentSettings.FromMetadataAsync(new Attributes(attributes), _ => null, CancellationToken.None);

        var trust = Assert.IsType<Burst.Cloud.Tls.PrivateCaTrust>(settings.Trust);
        Assert.Single(trust.Roots);
    }

    private sealed class Attributes(Dictionary<string, string> values) : IAttributeSource
    {
        public Task<string?> GetAttributeAsync(string key, CancellationToken ct) => Task.FromResult(values.GetValueOrDefault(key));
    }
}
