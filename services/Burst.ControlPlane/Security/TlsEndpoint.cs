using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Burst.ControlPlane.Security;

/// <summary>TLS on the gRPC endpoint from PEM files, and client certificates checked against a private CA.</summary>
internal static class TlsEndpoint
{
    public static bool Configured(ControlPlaneOptions options) => !string.IsNullOrEmpty(options.TlsCertificateFile);

    public static void UseHttps(ListenOptions listen, ControlPlaneOptions options)
    {
        if (!Configured(options))
        {
            // https:// without --tls-cert: Kestrel's default certificate (the ASP.NET Core development one).
            listen.UseHttps();
            return;
        }

        using var pem = X509Certificate2.CreateFromPemFile(options.TlsCertificateFile!, options.TlsKeyFile);

        // A PEM key is ephemeral; some platforms' TLS stacks need it in a PKCS#12 form they can persist.
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var https = new HttpsConnectionAdapterOptions { ServerCertificate = certificate };
        if (!string.IsNullOrEmpty(options.ClientCaFile))
        {
            var roots = Pem.LoadCertificates(options.ClientCaFile);

            // Allow rather than require at the handshake: agents on this endpoint prove themselves with job
            // tokens. A certificate that is sent must chain to the CA; JobService refuses calls without one.
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (client, _, _) => ChainsTo(client, roots);
        }

        listen.UseHttps(https);
    }

    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
