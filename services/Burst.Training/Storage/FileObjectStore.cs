namespace Burst.Training.Storage;

/// <summary>The local file system: plain paths (absolute or relative) and <c>file://</c> URIs.</summary>
public sealed class FileObjectStore : IObjectStore
{
    public bool CanHandle(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase) || !ObjectStoreRegistry.HasScheme(uri);
    }

    public Task<Stream> OpenReadAsync(string uri, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var path = ToPath(uri);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {uri}", uri);
        }

        Stream stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 1 << 16,
            Options = FileOptions.SequentialScan,
        });
        return Task.FromResult(stream);
    }

    public async Task WriteAsync(string uri, Stream content, string contentType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = ToPath(uri);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // Write beside the target and rename, so a reader never sees half a model.
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await content.CopyToAsync(file, ct).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Task<bool> ExistsAsync(string uri, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(ToPath(uri)));
    }

    /// <summary>The local path of a plain path or <c>file://</c> URI.</summary>
    public static string ToPath(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        if (uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !parsed.IsFile)
            {
                throw new ArgumentException($"Not a valid file URI: {uri}", nameof(uri));
            }

            return parsed.LocalPath;
        }

        if (ObjectStoreRegistry.HasScheme(uri))
        {
            throw new ArgumentException($"The file store cannot handle {uri}.", nameof(uri));
        }

        return uri;
    }
}
