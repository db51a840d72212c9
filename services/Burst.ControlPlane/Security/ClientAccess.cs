using System.Net;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Security;

/// <summary>How this server admits JobService callers, in words for the start-up line.</summary>
public sealed class ClientAccess
{
    public ClientAccess(IOptions<ControlPlaneOptions> options)
    {
        var o = options.Value;
        KeysFile = o.ApiKeysFile is { Length: > 0 } file ? file : null;
        Tls = o.TlsCertificateFile is { Length: > 0 };
        RequiresClientCertificate = o.ClientCaFile is { Length: > 0 };
        SingleUser = KeysFile is null && IsLoopback(o.Listen);
        Insecure = KeysFile is null && !SingleUser;
    }

    public string? KeysFile { get; }

    public bool Tls { get; }

    public bool RequiresClientCertificate { get; }

    /// <summary>No keys file on a loopback address: whoever may log in to this machine may call.</summary>
    public bool SingleUser { get; }

    /// <summary>No keys file on a reachable address, allowed only by --insecure-no-auth.</summary>
    public bool Insecure { get; }

    public string Describe()
    {
        var who = KeysFile is not null ? $"API keys from {KeysFile}"
            : SingleUser ? "single-user mode (loopback, no API keys: anyone on this machine may call)"
            : "NO AUTHENTICATION (--insecure-no-auth): anyone who reaches the port may call";
        var transport = RequiresClientCertificate ? "TLS with client certificates (mTLS)" : Tls ? "TLS" : "plain-text HTTP/2";
        return $"{who}; {transport}";
    }

    /// <summary>Whether a listen URL binds loopback only (127.0.0.0/8, ::1, localhost).</summary>
    public static bool IsLoopback(string? listen) =>
        ListenEndpoint.TryParse(listen, out var endpoint, out _)
        && (endpoint!.Localhost || (endpoint.Address is { } address && IPAddress.IsLoopback(address)));
}

/// <summary>Says at start which access mode the server runs in.</summary>
internal sealed class ClientAccessAnnouncement(ClientAccess access, ApiKeyRing keys, ILogger<ClientAccess> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.Access(keys.Enabled ? $"{access.Describe()} ({keys.Count} key(s))" : access.Describe());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
