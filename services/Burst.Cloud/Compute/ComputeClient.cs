using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Burst.Cloud.Auth;

namespace Burst.Cloud.Compute;

/// <summary>
/// The Compute Engine v1 REST API over HttpClient: instances (insert, get, delete, list by label
/// filter), zone and global operations (waited on), images (from a family, insert) and guest
/// attributes. Every call is retried with backoff on 429, 5xx and rate-limit errors; mutating calls
/// carry a requestId so that a retried insert or delete is not done twice.
/// </summary>
public sealed class ComputeClient : IDisposable
{
    private static readonly HashSet<string> RetryableReasons = new(StringComparer.OrdinalIgnoreCase) { "rateLimitExceeded", "userRateLimitExceeded", "backendError" };

    private readonly HttpClient _http;
    private readonly RetryPolicy _retry;
    private readonly TimeProvider _time;

    /// <param name="http">A client whose BaseAddress is the API root (…/compute/v1/) and that adds credentials where they are needed.</param>
    public ComputeClient(HttpClient http, string project, RetryPolicy? retry = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(project);
        _http = http;
        Project = project;
        _retry = retry ?? RetryPolicy.Default;
        _time = time ?? TimeProvider.System;
    }

    public string Project { get; }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>
    /// A client for <paramref name="endpoint"/>: with credentials from <paramref name="tokens"/>
    /// (Application Default Credentials when null), except for an emulator (plain http on loopback), which gets none.
    /// </summary>
    public static ComputeClient Create(Uri endpoint, string project, IAccessTokenSource? tokens = null, string userAgent = "burst", RetryPolicy? retry = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!CloudEndpoints.IsEmulator(endpoint))
        {
            handler = new BearerTokenHandler(tokens ?? new ApplicationDefaultTokenSource()) { InnerHandler = handler };
        }

        // operations.wait holds a request for up to two minutes.
        var http = new HttpClient(handler) { BaseAddress = endpoint, Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return new ComputeClient(http, project, retry, time);
    }

    // Instances

    /// <summary>Starts creating an instance; the returned zone operation says when it is done.</summary>
    public Task<Operation> InsertInstanceAsync(string zone, Instance instance, CancellationToken ct) =>
        SendAsync<Operation>(HttpMethod.Post, $"{ZonePath(zone)}/instances?requestId={Guid.NewGuid()}", instance, ct);

    /// <summary>The instance, or null when it does not exist.</summary>
    public async Task<Instance?> GetInstanceAsync(string zone, string name, CancellationToken ct)
    {
        try
        {
            return await SendAsync<Instance>(HttpMethod.Get, $"{ZonePath(zone)}/instances/{Escape(name)}", null, ct).ConfigureAwait(false);
        }
        catch (ComputeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Starts deleting an instance; null when it does not exist (any more).</summary>
    public async Task<Operation?> DeleteInstanceAsync(string zone, string name, CancellationToken ct)
    {
        try
        {
            return await SendAsync<Operation>(HttpMethod.Delete, $"{ZonePath(zone)}/instances/{Escape(name)}?requestId={Guid.NewGuid()}", null, ct).ConfigureAwait(false);
        }
        catch (ComputeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>The instances of one zone that match <paramref name="filter"/> (e.g. <c>labels.burst-managed = "true"</c>), every page.</summary>
    public async Task<IReadOnlyList<Instance>> ListInstancesAsync(string zone, string? filter, CancellationToken ct)
    {
        var all = new List<Instance>();
        string? page = null;
        do
        {
            var list = await SendAsync<InstanceList>(HttpMethod.Get, $"{ZonePath(zone)}/instances{Query(filter, page)}", null, ct).ConfigureAwait(false);
            all.AddRange(list.Items ?? []);
            page = list.NextPageToken;
        }
        while (!string.IsNullOrEmpty(page));
        return all;
    }

    /// <summary>The instances of every zone of the project that match <paramref name="filter"/>, every page.</summary>
    public async Task<IReadOnlyList<Instance>> ListAllInstancesAsync(string? filter, CancellationToken ct)
    {
        var all = new List<Instance>();
        string? page = null;
        do
        {
            var list = await SendAsync<InstanceAggregatedList>(HttpMethod.Get, $"projects/{Escape(Project)}/aggregated/instances{Query(filter, page)}", null, ct).ConfigureAwait(false);
            foreach (var scoped in list.Items?.Values ?? [])
            {
                all.AddRange(scoped.Instances ?? []);
            }

            page = list.NextPageToken;
        }
        while (!string.IsNullOrEmpty(page));
        return all;
    }

    /// <summary>Guest attributes the VM wrote under <paramref name="queryPath"/> (NAMESPACE/ or NAMESPACE/KEY); empty when none.</summary>
    public async Task<IReadOnlyList<GuestAttributeEntry>> GetGuestAttributesAsync(string zone, string name, string queryPath, CancellationToken ct)
    {
        try
        {
            var attributes = await SendAsync<GuestAttributes>(
                HttpMethod.Get, $"{ZonePath(zone)}/instances/{Escape(name)}/getGuestAttributes?queryPath={Uri.EscapeDataString(queryPath)}", null, ct).ConfigureAwait(false);
            return attributes.QueryValue?.Items ?? [];
        }
        catch (ComputeApiException e) when (e.IsNotFound)
        {
            // Not written yet: the API answers 404 for a path with no attribute.
            return [];
        }
    }

    // Images

    /// <summary>The newest non-deprecated image of a family; null when the family has none.</summary>
    public async Task<Image?> GetImageFromFamilyAsync(string imageProject, string family, CancellationToken ct)
    {
        try
        {
            return await SendAsync<Image>(HttpMethod.Get, $"projects/{Escape(imageProject)}/global/images/family/{Escape(family)}", null, ct).ConfigureAwait(false);
        }
        catch (ComputeApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Starts creating an image in this project; the returned global operation says when it is done.</summary>
    public Task<Operation> InsertImageAsync(Image image, CancellationToken ct) =>
        SendAsync<Operation>(HttpMethod.Post, $"projects/{Escape(Project)}/global/images?requestId={Guid.NewGuid()}", image, ct);

    public async Task<IReadOnlyList<Image>> ListImagesAsync(string? filter, CancellationToken ct)
    {
        var all = new List<Image>();
        string? page = null;
        do
        {
            var list = await SendAsync<ImageList>(HttpMethod.Get, $"projects/{Escape(Project)}/global/images{Query(filter, page)}", null, ct).ConfigureAwait(false);
            all.AddRange(list.Items ?? []);
            page = list.NextPageToken;
        }
        while (!string.IsNullOrEmpty(page));
        return all;
    }

    // Operations

    /// <summary>
    /// Waits until the operation is DONE (operations.wait, which answers after at most about two
    /// minutes, called again until it is done) and throws <see cref="ComputeOperationException"/> when it failed.
    /// A zonal operation is waited on in its zone, a global one globally.
    /// </summary>
    public async Task<Operation> WaitAsync(Operation operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var current = operation;
        while (!current.IsDone)
        {
            var path = current.ZoneName is { } zone
                ? $"{ZonePath(zone)}/operations/{Escape(current.Name!)}/wait"
                : $"projects/{Escape(Project)}/global/operations/{Escape(current.Name!)}/wait";
            current = await SendAsync<Operation>(HttpMethod.Post, path, null, ct).ConfigureAwait(false);
        }

        if (current.Error?.Errors is { Count: > 0 })
        {
            throw new ComputeOperationException(current);
        }

        return current;
    }

    public void Dispose() => _http.Dispose();

    private string ZonePath(string zone) => $"projects/{Escape(Project)}/zones/{Escape(zone)}";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Query(string? filter, string? pageToken)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(filter))
        {
            parts.Add("filter=" + Uri.EscapeDataString(filter));
        }

        if (!string.IsNullOrEmpty(pageToken))
        {
            parts.Add("pageToken=" + Uri.EscapeDataString(pageToken));
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A request message can be sent once: each attempt builds its own.
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, body.GetType(), options: ComputeJson.Options);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < _retry.MaxAttempts)
            {
                await Task.Delay(_retry.Delay(attempt - 1, null), _time, ct).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadFromJsonAsync<T>(ComputeJson.Options, ct).ConfigureAwait(false)
                        ?? throw new InvalidDataException($"Compute Engine {method} {path}: empty answer.");
                }

                var error = await ReadErrorAsync(response, method, path, ct).ConfigureAwait(false);
                if (attempt < _retry.MaxAttempts && IsRetryable(error))
                {
                    await Task.Delay(_retry.Delay(attempt - 1, response.Headers.RetryAfter?.Delta), _time, ct).ConfigureAwait(false);
                    continue;
                }

                throw error;
            }
        }
    }

    private static bool IsRetryable(ComputeApiException e) =>
        e.Status is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError
        || e.Reasons.Any(RetryableReasons.Contains);

    private static async Task<ComputeApiException> ReadErrorAsync(HttpResponseMessage response, HttpMethod method, string path, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        string message = text.Trim();
        IReadOnlyList<string> reasons = [];
        try
        {
            if (JsonSerializer.Deserialize<ErrorBody>(text, ComputeJson.Options)?.Error is { } detail)
            {
                message = detail.Message ?? message;
                reasons = detail.Errors?.Select(e => e.Reason ?? "").Where(r => r.Length > 0).ToArray() ?? [];
            }
        }
        catch (JsonException)
        {
            // Not the API's JSON (a proxy's HTML page, say): the text is the message.
        }

        var target = path.Split('?')[0];
        return new ComputeApiException(response.StatusCode, reasons, message.Length > 500 ? message[..500] : message, $"{method} {target}");
    }
}
