using System.CommandLine;
using Burst.ControlPlane;

namespace Burst.Cli.Commands;

/// <summary><c>burst server</c>'s options for who may call and what a job may name (README, "Who may call").</summary>
internal sealed class ServerSecurityOptions
{
    private readonly Option<string?> _apiKeys = new("--api-keys")
    {
        Description = "API keys file: NAME ROLE SHA256-HEX lines (see `burst keys create`); without it only a loopback --listen is allowed",
        HelpName = "FILE",
    };

    private readonly Option<bool> _insecureNoAuth = new("--insecure-no-auth")
    {
        Description = "Serve a non-loopback --listen without API keys: anyone who reaches the port may submit and cancel",
    };

    private readonly Option<string?> _tlsCert = new("--tls-cert")
    {
        Description = "Server certificate (PEM): the gRPC endpoint speaks TLS",
        HelpName = "FILE",
    };

    private readonly Option<string?> _tlsKey = new("--tls-key")
    {
        Description = "The certificate's private key (PEM)",
        HelpName = "FILE",
    };

    private readonly Option<string?> _clientCa = new("--client-ca")
    {
        Description = "CA (PEM) that client certificates must chain to: JobService calls need one (mTLS)",
        HelpName = "FILE",
    };

    private readonly Option<string?> _agentCa = new("--agent-ca-file")
    {
        Description = "CA (PEM) that agents trust for this server's certificate, when a private CA issued it",
        HelpName = "FILE",
    };

    private readonly Option<string[]> _allowPath = new("--allow-path")
    {
        Description = "A folder jobs may read and write by path or file:// (repeatable); the bundled data, the data dir, your home and the temp dir always are",
        HelpName = "DIR",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<int?> _maxWorkers = new("--max-workers")
    {
        Description = $"The most workers one job may ask for (default {ControlPlaneOptions.DefaultMaxWorkers})",
        HelpName = "N",
    };

    public static ServerSecurityOptions Create() => new();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _apiKeys, _insecureNoAuth, _tlsCert, _tlsKey, _clientCa, _agentCa, _allowPath, _maxWorkers })
        {
            command.Options.Add(option);
        }
    }

    public void Apply(ParseResult parseResult, ControlPlaneOptions options)
    {
        string? Full(Option<string?> option) => parseResult.GetValue(option) is { Length: > 0 } path ? Path.GetFullPath(path) : null;

        options.ApiKeysFile = Full(_apiKeys);
        options.InsecureNoAuth = parseResult.GetValue(_insecureNoAuth);
        options.TlsCertificateFile = Full(_tlsCert);
        options.TlsKeyFile = Full(_tlsKey);
        options.ClientCaFile = Full(_clientCa);
        options.AgentCaFile = Full(_agentCa);
        options.AllowPaths = [.. (parseResult.GetValue(_allowPath) ?? []).Select(Path.GetFullPath)];
        if (parseResult.GetValue(_maxWorkers) is { } maxWorkers)
        {
            options.MaxWorkers = maxWorkers;
        }
    }
}
