using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Burst.Fakes;

/// <summary>
/// A fake of the Cloud Storage JSON API, serving what Google.Cloud.Storage.V1's StorageClient uses
/// under STORAGE_EMULATOR_HOST: bucket GET, object metadata GET, media GET (alt=media, with Range),
/// list, delete, and resumable uploads (POST /upload/... then PUT chunks with Content-Range).
/// Object names arrive URL-encoded in one path segment. Objects carry crc32c and md5, and a
/// download sends them in x-goog-hash, so the client's validation runs.
/// </summary>
internal sealed class FakeCloudStorage : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, StoredObject>> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UploadSession> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private FakeHost _host = null!;
    private long _generation;

    public sealed record StoredObject(byte[] Data, string ContentType, long Generation, DateTimeOffset Updated);

    private sealed class UploadSession(string bucket, string name, string contentType)
    {
        public string Bucket { get; } = bucket;
        public string Name { get; } = name;
        public string ContentType { get; } = contentType;
        public MemoryStream Data { get; } = new();
    }

    /// <summary>127.0.0.1:PORT for STORAGE_EMULATOR_HOST.</summary>
    public string EmulatorHost => _host.HostAndPort;

    /// <summary>Buckets every request to which gets 403 Forbidden.</summary>
    public ConcurrentDictionary<string, bool> DeniedBuckets { get; } = new();

    /// <summary>When set, media downloads send one flipped byte (the crc32c in x-goog-hash stays the true one).</summary>
    public bool CorruptDownloads { get; set; }

    /// <summary>"METHOD /path" of every request, for assertions about what the client did.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<FakeCloudStorage> StartAsync()
    {
        var fake = new FakeCloudStorage();
        fake._host = await FakeHost.StartAsync(fake.HandleAsync);
        return fake;
    }

    public void CreateBucket(string bucket) => _buckets.TryAdd(bucket, new ConcurrentDictionary<string, StoredObject>(StringComparer.Ordinal));

    public void Put(string bucket, string name, byte[] data, string contentType = "application/octet-stream")
    {
        CreateBucket(bucket);
        _buckets[bucket][name] = new StoredObject(data, contentType, Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow);
    }

    public StoredObject? Get(string bucket, string name) =>
        _buckets.TryGetValue(bucket, out var objects) && objects.TryGetValue(name, out var stored) ? stored : null;

    public IReadOnlyList<string> List(string bucket, string prefix = "") =>
        _buckets.TryGetValue(bucket, out var objects) ? objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList() : [];

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    public static string Crc32cBase64(byte[] data) => Crc32c.Base64(data);

    private async Task HandleAsync(HttpContext context)
    {
        var (segments, query) = FakeHost.Target(context);
        var method = context.Request.Method;
        _requests.Enqueue($"{method} /{string.Join('/', segments)}");

        // [upload|download][/storage/v1]/b/BUCKET[/o[/OBJECT]]: under STORAGE_EMULATOR_HOST the client drops the /storage/v1 of its JSON paths.
        var offset = segments.Length > 0 && segments[0] is "upload" or "download" ? 1 : 0;
        var kind = offset == 1 ? segments[0] : "json";
        if (segments.Length > offset + 1 && segments[offset] == "storage" && segments[offset + 1] == "v1")
        {
            offset += 2;
        }

        if (segments.Length < offset + 2 || segments[offset] != "b")
        {
            await FakeHost.ErrorAsync(context, 404, "notFound", $"the fake Cloud Storage has no {method} {context.Request.Path}");
            return;
        }

        var bucket = segments[offset + 1];
        if (DeniedBuckets.ContainsKey(bucket))
        {
            await FakeHost.ErrorAsync(context, 403, "forbidden", $"caller does not have storage.objects.get access to the Google Cloud Storage bucket '{bucket}'. Permission 'storage.objects.get' denied on resource (or it may not exist).");
            return;
        }

        if (!_buckets.TryGetValue(bucket, out var objects))
        {
            await FakeHost.ErrorAsync(context, 404, "notFound", "The specified bucket does not exist.");
            return;
        }

        var rest = segments[(offset + 2)..];
        switch (kind, method, rest.Length)
        {
            case ("json", "GET", 0):
                await context.Response.WriteAsJsonAsync(new { kind = "storage#bucket", id = bucket, name = bucket });
                return;
            case ("json", "GET", 1) when rest[0] == "o":
                var prefix = query.GetValueOrDefault("prefix", "");
                var items = new JsonArray(objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(o => o.Key, StringComparer.Ordinal)
                    .Select(o => (JsonNode)Describe(context, bucket, o.Key, o.Value)).ToArray());
                await context.Response.WriteAsJsonAsync(new JsonObject { ["kind"] = "storage#objects", ["items"] = items });
                return;
            case ("json" or "download", "GET", 2) when rest[0] == "o":
                if (!objects.TryGetValue(rest[1], out var stored))
                {
                    await FakeHost.ErrorAsync(context, 404, "notFound", $"No such object: {bucket}/{rest[1]}");
                    return;
                }

                if (kind == "download" || query.GetValueOrDefault("alt") == "media")
                {
                    await SendMediaAsync(context, stored);
                }
                else
                {
                    await context.Response.WriteAsJsonAsync(Describe(context, bucket, rest[1], stored));
                }

                return;
            case ("json", "DELETE", 2) when rest[0] == "o":
                if (!objects.TryRemove(rest[1], out _))
                {
                    await FakeHost.ErrorAsync(context, 404, "notFound", $"No such object: {bucket}/{rest[1]}");
                    return;
                }

                context.Response.StatusCode = 204;
                return;
            case ("upload", "POST", 1) when rest[0] == "o" && query.GetValueOrDefault("uploadType") == "resumable":
                await StartUploadAsync(context, bucket, query);
                return;
            case ("upload", "PUT", 1) when rest[0] == "o" && query.TryGetValue("upload_id", out var id):
                await ContinueUploadAsync(context, id, objects);
                return;
            default:
                await FakeHost.ErrorAsync(context, 400, "invalid", $"the fake Cloud Storage does not serve {method} {context.Request.Path}{context.Request.QueryString}");
                return;
        }
    }

    private async Task StartUploadAsync(HttpContext context, string bucket, Dictionary<string, string> query)
    {
        var body = await FakeHost.ReadBodyAsync(context);
        var json = body.Length > 0 ? JsonNode.Parse(body) : null;
        var name = query.GetValueOrDefault("name") ?? json?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            await FakeHost.ErrorAsync(context, 400, "required", "Required: object name");
            return;
        }

        var contentType = json?["contentType"]?.GetValue<string>() ?? context.Request.Headers["X-Upload-Content-Type"].FirstOrDefault() ?? "application/octet-stream";
        var id = Guid.NewGuid().ToString("N");
        _uploads[id] = new UploadSession(bucket, name, contentType);
        context.Response.Headers.Location = $"http://{context.Request.Host}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={id}";
        context.Response.StatusCode = 200;
    }

    private async Task ContinueUploadAsync(HttpContext context, string id, ConcurrentDictionary<string, StoredObject> objects)
    {
        if (!_uploads.TryGetValue(id, out var session))
        {
            await FakeHost.ErrorAsync(context, 404, "notFound", $"no upload session {id}");
            return;
        }

        // Content-Range: "bytes FIRST-LAST/TOTAL", "bytes FIRST-LAST/*" (more to come) or "bytes */TOTAL" (no bytes: status or finish).
        var range = context.Request.Headers.ContentRange.FirstOrDefault() ?? "";
        var chunk = new MemoryStream();
        await context.Request.Body.CopyToAsync(chunk);
        long? total = null;
        if (range.StartsWith("bytes ", StringComparison.Ordinal))
        {
            var spec = range["bytes ".Length..];
            var slash = spec.IndexOf('/', StringComparison.Ordinal);
            var size = spec[(slash + 1)..];
            total = size == "*" ? null : long.Parse(size, CultureInfo.InvariantCulture);
            var span = spec[..slash];
            if (span != "*")
            {
                var first = long.Parse(span[..span.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                if (first != session.Data.Length)
                {
                    await FakeHost.ErrorAsync(context, 400, "invalid", $"chunk starts at {first}, the session holds {session.Data.Length} bytes");
                    return;
                }

                chunk.Position = 0;
                await chunk.CopyToAsync(session.Data);
            }
        }
        else
        {
            chunk.Position = 0;
            await chunk.CopyToAsync(session.Data);
            total = session.Data.Length;
        }

        if (total is null || session.Data.Length < total)
        {
            context.Response.StatusCode = 308;
            if (session.Data.Length > 0)
            {
                context.Response.Headers.Range = $"bytes=0-{session.Data.Length - 1}";
            }

            return;
        }

        var data = session.Data.ToArray();
        _uploads.TryRemove(id, out _);
        var crc = Crc32cBase64(data);
        foreach (var hash in context.Request.Headers["X-Goog-Hash"].SelectMany(h => (h ?? "").Split(',')))
        {
            var part = hash.Trim();
            if (part.StartsWith("crc32c=", StringComparison.Ordinal) && part["crc32c=".Length..] != crc)
            {
                await FakeHost.ErrorAsync(context, 400, "invalid", $"Provided CRC32C \"{part["crc32c=".Length..]}\" doesn't match calculated CRC32C \"{crc}\".");
                return;
            }
        }

        var stored = new StoredObject(data, session.ContentType, Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow);
        objects[session.Name] = stored;
        await context.Response.WriteAsJsonAsync(Describe(context, session.Bucket, session.Name, stored));
    }

    private async Task SendMediaAsync(HttpContext context, StoredObject stored)
    {
        var data = stored.Data;
        if (CorruptDownloads && data.Length > 0)
        {
            data = (byte[])data.Clone();
            data[data.Length / 2] ^= 0xFF;
        }

        context.Response.Headers["x-goog-hash"] = $"crc32c={Crc32cBase64(stored.Data)},md5={Convert.ToBase64String(MD5.HashData(stored.Data))}";
        context.Response.Headers["x-goog-generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-goog-stored-content-length"] = stored.Data.Length.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = stored.ContentType;
        long from = 0, to = data.Length - 1;
        var range = context.Request.Headers.Range.FirstOrDefault();
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && data.Length > 0)
        {
            var parts = range["bytes=".Length..].Split('-');
            from = long.Parse(parts[0], CultureInfo.InvariantCulture);
            to = parts.Length > 1 && parts[1].Length > 0 ? Math.Min(long.Parse(parts[1], CultureInfo.InvariantCulture), data.Length - 1) : data.Length - 1;
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{data.Length}";
        }

        var length = Math.Max(0, to - from + 1);
        context.Response.ContentLength = length;
        await context.Response.Body.WriteAsync(data.AsMemory((int)from, (int)length));
    }

    private static JsonObject Describe(HttpContext context, string bucket, string name, StoredObject stored)
    {
        var encoded = Uri.EscapeDataString(name);
        var generation = stored.Generation.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["kind"] = "storage#object",
            ["id"] = $"{bucket}/{name}/{generation}",
            ["name"] = name,
            ["bucket"] = bucket,
            ["generation"] = generation,
            ["metageneration"] = "1",
            ["contentType"] = stored.ContentType,
            ["size"] = stored.Data.Length.ToString(CultureInfo.InvariantCulture),
            ["md5Hash"] = Convert.ToBase64String(MD5.HashData(stored.Data)),
            ["crc32c"] = Crc32cBase64(stored.Data),
            ["timeCreated"] = stored.Updated.ToString("O", CultureInfo.InvariantCulture),
            ["updated"] = stored.Updated.ToString("O", CultureInfo.InvariantCulture),
            ["selfLink"] = $"http://{context.Request.Host}/storage/v1/b/{bucket}/o/{encoded}",
            ["mediaLink"] = $"http://{context.Request.Host}/download/storage/v1/b/{bucket}/o/{encoded}?generation={generation}&alt=media",
        };
    }
}
