using System.IO.Pipelines;
using System.Net;
using Burst.Training.Storage;
using Google;
using Google.Cloud.Storage.V1;

namespace Burst.Cloud.Storage;

/// <summary>
/// gs://BUCKET/OBJECT on Google Cloud Storage through Google.Cloud.Storage.V1. Reads stream through a
/// pipe while the download runs (no whole object in memory) and writes are resumable uploads from the
/// caller's stream; both check the object's crc32c (download validation always; on upload the client
/// sends the crc32c it computed and Cloud Storage rejects an object that does not match it). A missing bucket, a missing object and a denied
/// permission each throw an exception whose message names the URI and the reason.
/// </summary>
public sealed class GcsObjectStore(Func<StorageClient> createClient) : IObjectStore, IDisposable
{
    private const int PauseWriterBytes = 4 << 20;
    private readonly Lazy<StorageClient> _client = new(createClient, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The store the environment describes, exactly as the library detects it: STORAGE_EMULATOR_HOST
    /// means that emulator with no credentials, otherwise Cloud Storage with Application Default Credentials.
    /// The client is built at the first gs:// call, so hosts without credentials start fine.
    /// </summary>
    public static GcsObjectStore FromEnvironment() =>
        new(() => new StorageClientBuilder { EmulatorDetection = Google.Api.Gax.EmulatorDetection.EmulatorOrProduction }.Build());

    private StorageClient Client => _client.Value;

    public bool CanHandle(string uri) => uri is not null && GcsUri.IsGcs(uri);

    public async Task<Stream> OpenReadAsync(string uri, CancellationToken ct)
    {
        var gcs = GcsUri.Parse(uri);
        Google.Apis.Storage.v1.Data.Object source;
        try
        {
            source = await Client.GetObjectAsync(gcs.Bucket, gcs.ObjectName, null, ct).ConfigureAwait(false);
        }
        catch (GoogleApiException e)
        {
            throw await TranslateAsync(e, gcs, reading: true, ct).ConfigureAwait(false);
        }

        // The download pushes into the pipe while the caller pulls from it; the pipe's pause threshold
        // bounds the memory held, and a crc32c mismatch surfaces as an error at the end of the stream.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseWriterBytes, resumeWriterThreshold: PauseWriterBytes / 2));
        var stop = new CancellationTokenSource();
        var download = Task.Run(async () =>
        {
            Exception? failure = null;
            try
            {
                await using var sink = pipe.Writer.AsStream(leaveOpen: true);
                await Client.DownloadObjectAsync(
                    source,
                    sink,
                    new DownloadObjectOptions { DownloadValidationMode = DownloadValidationMode.Always },
                    stop.Token).ConfigureAwait(false);
            }
            catch (GoogleApiException e)
            {
                failure = await TranslateAsync(e, gcs, reading: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                failure = new OperationCanceledException($"{gcs}: the download was stopped.");
            }
            catch (Exception e)
            {
                // Whatever it is, the reader must see it, or it would wait for the rest of the object forever.
                failure = new IOException($"{gcs}: the download failed: {e.Message}", e);
            }

            await pipe.Writer.CompleteAsync(failure).ConfigureAwait(false);
        }, CancellationToken.None);
        return new DownloadStream(pipe.Reader.AsStream(), stop, download);
    }

    public async Task WriteAsync(string uri, Stream content, string contentType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var gcs = GcsUri.Parse(uri);
        try
        {
            await Client.UploadObjectAsync(
                gcs.Bucket,
                gcs.ObjectName,
                contentType,
                content,
                new UploadObjectOptions { UploadValidationMode = UploadValidationMode.RejectAndThrow },
                ct).ConfigureAwait(false);
        }
        catch (GoogleApiException e)
        {
            throw await TranslateAsync(e, gcs, reading: false, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> ExistsAsync(string uri, CancellationToken ct)
    {
        var gcs = GcsUri.Parse(uri);
        try
        {
            await Client.GetObjectAsync(gcs.Bucket, gcs.ObjectName, null, ct).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (GoogleApiException e)
        {
            throw await TranslateAsync(e, gcs, reading: true, ct).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary>An API error as the exception the training engine understands, with the URI and the reason in its message.</summary>
    private async Task<Exception> TranslateAsync(GoogleApiException e, GcsUri gcs, bool reading, CancellationToken ct)
    {
        var reason = e.Error?.Errors?.FirstOrDefault()?.Reason;
        var detail = e.Error?.Message ?? e.Message;
        switch (e.HttpStatusCode)
        {
            case HttpStatusCode.NotFound:
                if (await BucketExistsAsync(gcs.Bucket, ct).ConfigureAwait(false) is false)
                {
                    return new DirectoryNotFoundException($"{gcs}: the bucket '{gcs.Bucket}' does not exist.");
                }

                return new FileNotFoundException(reading ? $"{gcs}: no such object in bucket '{gcs.Bucket}'." : $"{gcs}: not found: {detail}", gcs.ToString());
            case HttpStatusCode.Forbidden:
            case HttpStatusCode.Unauthorized:
                return new UnauthorizedAccessException(
                    $"{gcs}: permission denied ({reason ?? e.HttpStatusCode.ToString()}): {detail}. The account needs roles/storage.objectViewer to read and roles/storage.objectCreator (or objectAdmin) to write.",
                    e);
            default:
                return new IOException($"{gcs}: Cloud Storage answered {(int)e.HttpStatusCode} ({reason ?? e.HttpStatusCode.ToString()}): {detail}", e);
        }
    }

    /// <summary>Whether a bucket exists; null when that cannot be told (no permission to look).</summary>
    private async Task<bool?> BucketExistsAsync(string bucket, CancellationToken ct)
    {
        try
        {
            await Client.GetBucketAsync(bucket, null, ct).ConfigureAwait(false);
            return true;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (GoogleApiException)
        {
            return null;
        }
    }

    /// <summary>The reading end of a download; disposing it stops the download.</summary>
    private sealed class DownloadStream(Stream inner, CancellationTokenSource stop, Task download) : ReadOnlyForwardStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                stop.Cancel();
                inner.Dispose();
                download.ContinueWith(_ => stop.Dispose(), TaskScheduler.Default);
            }

            base.Dispose(disposing);
        }
    }
}
