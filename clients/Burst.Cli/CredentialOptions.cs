using System.CommandLine;
using Burst.Cloud.Tls;

namespace Burst.Cli;

/// <summary>What a verb that calls the control plane proves itself with, and whom it trusts.</summary>
internal sealed record ClientCredentials(string? ApiKey, PrivateCaTrust? Trust)
{
    public static readonly ClientCredentials None = new(null, null);
}

/// <summary><c>--api-key-file FILE</c> (else BURST_API_KEY) and <c>--ca-file FILE</c> (else BURST_CA_FILE).</summary>
internal sealed class CredentialOptions(CliContext context)
{
    public const string ApiKeyVariable = "BURST_API_KEY";

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

        return new ClientCredentials(string.IsNullOrEmpty(key) ? null : key, trust);
    }
}
