using System.Net;

namespace Burst.Cloud;

/// <summary>
/// Where the Google APIs are, by Google's own conventions (DESIGN.md), so that an emulator or a
/// private endpoint plugs in without a burst-specific setting.
/// </summary>
public static class CloudEndpoints
{
    /// <summary>The Compute Engine base URL, as gcloud reads it, e.g. http://127.0.0.1:8080/compute/v1/.</summary>
    public const string ComputeOverrideVariable = "CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE";

    /// <summary>host[:port] of a Cloud Storage emulator, as Google.Cloud.Storage.V1 reads it.</summary>
    public const string StorageEmulatorVariable = "STORAGE_EMULATOR_HOST";

    /// <summary>host[:port] of the metadata server, as Google's auth libraries read it.</summary>
    public const string MetadataHostVariable = "GCE_METADATA_HOST";

    public const string ProjectVariable = "GOOGLE_CLOUD_PROJECT";

    public const string DefaultCompute = "https://compute.googleapis.com/compute/v1/";

    public const string DefaultMetadataHost = "metadata.google.internal";

    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>The configured URL, else the environment's override, else Google's endpoint; always ending in '/'.</summary>
    public static Uri Compute(string? configured = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var text = NonEmpty(configured) ?? NonEmpty(environment(ComputeOverrideVariable)) ?? DefaultCompute;
        if (!text.EndsWith('/'))
        {
            text += "/";
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"the Compute Engine endpoint must be an absolute http(s) URL, got '{text}'.", nameof(configured));
        }

        return uri;
    }

    /// <summary>The metadata server's base URL (http://HOST/computeMetadata/v1/).</summary>
    public static Uri Metadata(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var host = NonEmpty(environment(MetadataHostVariable)) ?? DefaultMetadataHost;
        return new Uri($"http://{host}/computeMetadata/v1/");
    }

    /// <summary>The project: the configured one, else GOOGLE_CLOUD_PROJECT; null when neither is set.</summary>
    public static string? Project(string? configured = null, Func<string, string?>? environment = null) =>
        NonEmpty(configured) ?? NonEmpty((environment ?? Environment.GetEnvironmentVariable)(ProjectVariable));

    /// <summary>
    /// A plain-http endpoint on a loopback address is an emulator or a fake: clients send it no
    /// credentials, as the Storage library does under STORAGE_EMULATOR_HOST.
    /// </summary>
    public static bool IsEmulator(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Scheme != Uri.UriSchemeHttp)
        {
            return false;
        }

        return endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
