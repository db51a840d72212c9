using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Burst.Cloud.Tls;

namespace Burst.Cli;

/// <summary>What a verb that calls the control plane proves itself with, and whom it trusts.</summary>
internal sealed record ClientCredentials(string? ApiKey, PrivateCaTrust? Trust, X509Certificate2? ClientCertificate = null)
{
    public static readonly ClientCredentials None = new(null, null);
}

/// <summary>
/// <c>--api-key-file FILE</c> (else BURST_API_KEY), <c>--ca-file FILE</c> (else BURST_CA_FILE), and for a
/// server with --client-ca, <c>--client-cert FILE --client-key FILE</c> (else BURST_CLIENT_CERT, BURST_CLIENT_KEY).
/// </summary>
internal sealed class CredentialOptions(CliContext context)
{
    public const string ApiKeyVariable = "BURST_API_KEY";
    public const string ClientCertVariable = "BURST_CLIENT_CERT";
    public const string ClientKeyVariable = "BURST_CLIENT_KEY";

    private readonly Option<string?> _clientCert = new("--client-cert")
    {
        Description = "Client certificate (PEM) for a server that requires one (mTLS) (default: $" + ClientCertVariable + ")",
        HelpName = "FILE",
    };

    private readonly Option<string?> _clientKey = new("--client-key")
    {
        Description = "The client certificate's private key (PEM) (default: $" + ClientKeyVariable + ")",
        HelpName = "FILE",
    };

    private readonly Option<string?> _apiKeyFile = new("--api-key-file")
    {
        Description = "A file holding the API key (default: $" + ApiKeyVariable + ")",
        HelpName = "FILE",
    };

    private readonly Option<string?> _caFile = new("--ca-file")
    {
        Description = "CA certificates (PEM) to trust for an https:// server with a private CA (default: $" + PrivateCaTrust.CaFileVariable + ")",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_apiKeyFile);
        command.Options.Add(_caFile);
        command.Options.Add(_clientCert);
        command.Options.Add(_clientKey);
    }

    public ClientCredentials Resolve(ParseResult parseResult)
    {
        string? key;
        if (parseResult.GetValue(_apiKeyFile) is { Length: > 0 } keyFile)
        {
            try
            {
                key = File.ReadAllText(keyFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"--api-key-file {keyFile}: {e.Message}");
            }

            if (key.Length == 0)
            {
                throw new CliUsageException($"--api-key-file {keyFile} is empty.");
            }
        }
        else
        {
            key = context.GetEnvironmentVariable(ApiKeyVariable)?.Trim();
        }

        var caFile = parseResult.GetValue(_caFile) is { Length: > 0 } given ? given : context.GetEnvironmentVariable(PrivateCaTrust.CaFileVariable);
        PrivateCaTrust? trust = null;
        if (caFile is not null)
        {
            try
            {
                trust = PrivateCaTrust.FromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
            {
                throw new CliUsageException($"--ca-file {caFile}: {e.Message}");
            }
        }

        var certFile = parseResult.GetValue(_clientCert) is { Length: > 0 } c ? c : context.GetEnvironmentVariable(ClientCertVariable);
        var keyFileForCert = parseResult.GetValue(_clientKey) is { Length: > 0 } k ? k : context.GetEnvironmentVariable(ClientKeyVariable);
        X509Certificate2? certificate = null;
        if (certFile is not null)
        {
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(certFile, keyFileForCert);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new CliUsageException($"--client-cert {certFile} / --client-key {keyFileForCert}: cannot load the certificate and key (PEM): {e.Message}");
            }
        }

        return new ClientCredentials(string.IsNullOrEmpty(key) ? null : key, trust, certificate);
    }
}
