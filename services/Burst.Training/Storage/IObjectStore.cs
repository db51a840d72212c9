namespace Burst.Training.Storage;

/// <summary>
/// Where datasets are read from and models written to, addressed by URI. The training engine reads
/// and writes only through this, so a cloud store plugs in without the engine knowing it.
/// </summary>
public interface IObjectStore
{
    /// <summary>True when this store serves <paramref name="uri"/> (usually decided by its scheme).</summary>
    bool CanHandle(string uri);

    /// <summary>Opens the object for reading; throws <see cref="FileNotFoundException"/> naming the URI when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string uri, CancellationToken ct);

    /// <summary>Writes (or replaces) the object with the whole of <paramref name="content"/>.</summary>
    Task WriteAsync(string uri, Stream content, string contentType, CancellationToken ct);

    Task<bool> ExistsAsync(string uri, CancellationToken ct);
}
