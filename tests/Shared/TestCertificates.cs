using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Burst.Tests.Shared;

/// <summary>
/// A throwaway certificate authority made in-process: a server certificate for 127.0.0.1 and localhost,
/// and client certificates, each written as PEM files into a temporary folder.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly DirectoryInfo _folder;

    private TestCertificates(string name)
    {
        _folder = Directory.CreateTempSubdirectory("burst-certs-");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaFile = Path.Combine(_folder.FullName, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
        (ServerCertFile, ServerKeyFile) = Issue("server", server: true);
        (ClientCertFile, ClientKeyFile) = Issue("client", server: false);
    }

    public string CaFile { get; }
    public string ServerCertFile { get; }
    public string ServerKeyFile { get; }
    public string ClientCertFile { get; }
    public string ClientKeyFile { get; }

    public static TestCertificates Create(string name = "Burst Test CA") => new(name);

    public X509Certificate2 ClientCertificate() => X509Certificate2.CreateFromPemFile(ClientCertFile, ClientKeyFile);

    private (string Cert, string Key) Issue(string name, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(_ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        var cert = Path.Combine(_folder.FullName, $"{name}.pem");
        var keyFile = Path.Combine(_folder.FullName, $"{name}.key");
        File.WriteAllText(cert, issued.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (cert, keyFile);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _folder.Delete(recursive: true);
    }
}
