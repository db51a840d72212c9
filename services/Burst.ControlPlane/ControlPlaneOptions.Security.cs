namespace Burst.ControlPlane;

/// <summary>Who may call, over what, and which inputs are accepted (README, "Who may call").</summary>
public sealed partial class ControlPlaneOptions
{
    /// <summary>Default of <see cref="MaxWorkers"/>: the most workers one job may ask for.</summary>
    public const int DefaultMaxWorkers = 64;

    /// <summary>Default of <see cref="MaxRequestBytes"/>: 4 MiB, gRPC's own default, stated.</summary>
    public const int DefaultMaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The API keys file (<c>--api-keys FILE</c>): one <c>NAME ROLE SHA256-HEX</c> line per key. Unset on a
    /// loopback listen address is the single-user mode; any other address then needs <see cref="InsecureNoAuth"/>.
    /// </summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>Serve JobService without API keys on a non-loopback address (<c>--insecure-no-auth</c>).</summary>
    public bool InsecureNoAuth { get; set; }

    /// <summary>The server certificate (PEM, <c>--tls-cert</c>); with it the gRPC endpoint speaks TLS.</summary>
    public string? TlsCertificateFile { get; set; }

    /// <summary>The certificate's private key (PEM, <c>--tls-key</c>).</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>
    /// The CA that client certificates must chain to (PEM, <c>--client-ca</c>): JobService calls then need a
    /// valid client certificate (mTLS). Agents authenticate with their job tokens and need none.
    /// </summary>
    public string? ClientCaFile { get; set; }

    /// <summary>
    /// A CA certificate (PEM) that agents trust for this server's certificate, when a private CA issued it:
    /// local agents get it as BURST_CA_FILE, gce agents as the instance attribute burst-ca-cert.
    /// </summary>
    public string? AgentCaFile { get; set; }

    /// <summary>More folders (<c>--allow-path DIR</c>) under which a job may name plain paths and file:// URIs.</summary>
    public List<string> AllowPaths { get; set; } = [];

    /// <summary>The most workers one job may ask for (spec.search.workers).</summary>
    public int MaxWorkers { get; set; } = DefaultMaxWorkers;

    /// <summary>The largest request message the server reads; a larger one is refused with RESOURCE_EXHAUSTED.</summary>
    public int MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    private void CopySecurityTo(ControlPlaneOptions target)
    {
        target.ApiKeysFile = ApiKeysFile;
        target.InsecureNoAuth = InsecureNoAuth;
        target.TlsCertificateFile = TlsCertificateFile;
        target.TlsKeyFile = TlsKeyFile;
        target.ClientCaFile = ClientCaFile;
        target.AgentCaFile = AgentCaFile;
        target.AllowPaths = [.. AllowPaths];
        target.MaxWorkers = MaxWorkers;
        target.MaxRequestBytes = MaxRequestBytes;
    }
}
