using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Burst.Cloud.Tls;

/// <summary>
/// Trust for a server whose certificate a private CA issued (<c>--ca-file</c>, BURST_CA_FILE): the chain must
/// end at one of the given roots; the host name must still match, as with public roots.
/// </summary>
public sealed class PrivateCaTrust(X509Certificate2Collection roots)
{
    public const string CaFileVariable = "BURST_CA_FILE";

    public X509Certificate2Collection Roots { get; } = roots;

    public static PrivateCaTrust FromPemFile(string file)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(file);
        if (roots.Count == 0)
        {
            throw new InvalidOperationException($"{file} holds no PEM certificate.");
        }

        return new PrivateCaTrust(roots);
    }

    public static PrivateCaTrust FromPem(string pem)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(pem);
        if (roots.Count == 0)
        {
            throw new InvalidOperationException("the CA certificate text holds no PEM certificate.");
        }

        return new PrivateCaTrust(roots);
    }

    /// <summary>Makes the handler accept servers that chain to these roots (and, still, those the system trusts).</summary>
    public void Apply(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accepts(certificate, errors);
    }

    public bool Accepts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only a chain the system does not know is forgiven: a wrong host name or no certificate is not.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
