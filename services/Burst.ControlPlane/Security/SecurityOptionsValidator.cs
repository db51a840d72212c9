using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Security;

/// <summary>Rejects a bad security setting when the host starts, naming the option and the file.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<ControlPlaneOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlPlaneOptions options)
    {
        var failures = new List<string>();
        var hasKeys = !string.IsNullOrEmpty(options.ApiKeysFile);
        if (hasKeys)
        {
            try
            {
                ApiKeysFile.Load(options.ApiKeysFile!);
            }
            catch (ApiKeysFileException e)
            {
                failures.Add($"--api-keys (Burst:ApiKeysFile): {e.Message}");
            }
        }
        else if (!options.InsecureNoAuth && ListenEndpoint.TryParse(options.Listen, out _, out _) && !ClientAccess.IsLoopback(options.Listen))
        {
            failures.Add(
                $"--listen {options.Listen} is not a loopback address and no API keys are configured: give --api-keys FILE (Burst:ApiKeysFile), "
                + "or --insecure-no-auth (Burst:InsecureNoAuth) to let anyone who reaches the port submit and cancel jobs.");
        }

        var cert = options.TlsCertificateFile;
        var key = options.TlsKeyFile;
        if (string.IsNullOrEmpty(cert) != string.IsNullOrEmpty(key))
        {
            failures.Add("--tls-cert (Burst:TlsCertificateFile) and --tls-key (Burst:TlsKeyFile) go together: give both PEM files.");
        }
        else if (!string.IsNullOrEmpty(cert))
        {
            try
            {
                using var loaded = X509Certificate2.CreateFromPemFile(cert, key);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                failures.Add($"--tls-cert {cert} / --tls-key {key}: cannot load the certificate and key (PEM): {e.Message}");
            }
        }

        if (!string.IsNullOrEmpty(options.ClientCaFile))
        {
            if (string.IsNullOrEmpty(cert))
            {
                failures.Add("--client-ca (Burst:ClientCaFile) needs TLS: give --tls-cert and --tls-key too.");
            }

            CheckCertificates("--client-ca (Burst:ClientCaFile)", options.ClientCaFile, failures);
        }

        if (!string.IsNullOrEmpty(options.AgentCaFile))
        {
            CheckCertificates("Burst:AgentCaFile", options.AgentCaFile, failures);
        }

        foreach (var root in options.AllowPaths)
        {
            if (string.IsNullOrWhiteSpace(root) || !Directory.Exists(root))
            {
                failures.Add($"--allow-path (Burst:AllowPaths) '{root}' is not an existing folder.");
            }
        }

        if (options.MaxWorkers is < 1 or > 10_000)
        {
            failures.Add($"Burst:MaxWorkers must be between 1 and 10000, got {options.MaxWorkers}.");
        }

        if (options.MaxRequestBytes < 64 * 1024)
        {
            failures.Add($"Burst:MaxRequestBytes must be at least 65536, got {options.MaxRequestBytes}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckCertificates(string option, string file, List<string> failures)
    {
        try
        {
            if (Pem.LoadCertificates(file).Count == 0)
            {
                failures.Add($"{option} {file}: holds no PEM certificate.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            failures.Add($"{option} {file}: cannot load the certificates (PEM): {e.Message}");
        }
    }
}

/// <summary>Certificates from a PEM file that may hold several (a CA bundle).</summary>
public static class Pem
{
    public static X509Certificate2Collection LoadCertificates(string file)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(file);
        return collection;
    }
}
