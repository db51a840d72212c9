using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Burst.Cloud.Auth;

namespace Burst.Cloud.Metadata;

/// <summary>
/// The Compute Engine metadata server, as seen from inside a VM: instance attributes, the instance's
/// name, zone and project, a service-account access token, and guest attributes. Its base is
/// http://metadata.google.internal, or GCE_METADATA_HOST (host[:port]) as Google's auth libraries read it.
/// </summary>
public sealed class MetadataClient(HttpClient http) : IAccessTokenSource, IDisposable
{
    public const string FlavorHeader = "Metadata-Flavor";
    public const string FlavorValue = "Google";

    /// <summary>A client for this machine's metadata server; <paramref name="timeout"/> bounds each request.</summary>
    public static MetadataClient FromEnvironment(TimeSpan? timeout = null, Func<string, string?>? environment = null) =>
        new(new HttpClient { BaseAddress = CloudEndpoints.Metadata(environment), Timeout = timeout ?? TimeSpan.FromSeconds(10) });

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>An instance attribute (custom metadata) of this VM; null when it is not set.</summary>
    public Task<string?> GetAttributeAsync(string key, CancellationToken ct) =>
        GetTextAsync("instance/attributes/" + Uri.EscapeDataString(key), ct);

    public async Task<string> GetInstanceNameAsync(CancellationToken ct) =>
        await GetTextAsync("instance/name", ct).ConfigureAwait(false) ?? throw Missing("instance/name");

    /// <summary>The zone's short name (the server answers projects/NUMBER/zones/ZONE).</summary>
    public async Task<string> GetZoneAsync(CancellationToken ct)
    {
        var zone = await GetTextAsync("instance/zone", ct).ConfigureAwait(false) ?? throw Missing("instance/zone");
        return zone[(zone.LastIndexOf('/') + 1)..];
    }

    public async Task<string> GetProjectIdAsync(CancellationToken ct) =>
        await GetTextAsync("project/project-id", ct).ConfigureAwait(false) ?? throw Missing("project/project-id");

    /// <summary>An access token of the VM's default service account.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, "instance/service-accounts/default/token");
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "instance/service-accounts/default/token", ct).ConfigureAwait(false);
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ct).ConfigureAwait(false);
        return token?.AccessToken is { Length: > 0 } value ? value : throw Missing("instance/service-accounts/default/token");
    }

    /// <summary>Writes a guest attribute (needs the instance metadata enable-guest-attributes=TRUE); <paramref name="path"/> is NAMESPACE/KEY.</summary>
    public async Task SetGuestAttributeAsync(string path, string value, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Put, "instance/guest-attributes/" + path);
        request.Content = new StringContent(value);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "instance/guest-attributes/" + path, ct).ConfigureAwait(false);
    }

    /// <summary>True when a metadata server answers (that is, on a Compute Engine VM or beside a fake of one).</summary>
    public async Task<bool> IsAvailableAsync(CancellationToken ct)
    {
        try
        {
            using var request = Request(HttpMethod.Get, "project/project-id");
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            return response.Headers.TryGetValues(FlavorHeader, out var flavor) && flavor.Contains(FlavorValue);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<string?> GetTextAsync(string path, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, path, ct).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(FlavorHeader, FlavorValue);
        return request;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string path, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new HttpRequestException($"the metadata server ({BaseAddress}{path}) answered {(int)response.StatusCode}: {body.Trim()}", null, response.StatusCode);
        }
    }

    private InvalidOperationException Missing(string path) => new($"the metadata server ({BaseAddress}) has no {path}.");

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
