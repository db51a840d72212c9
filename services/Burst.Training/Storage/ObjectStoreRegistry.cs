namespace Burst.Training.Storage;

/// <summary>Routes each URI to the first store that handles it; a URI no store handles gets an error naming its scheme.</summary>
public sealed class ObjectStoreRegistry(IEnumerable<IObjectStore> stores) : IObjectStore
{
    private readonly IObjectStore[] _stores = stores?.ToArray() ?? throw new ArgumentNullException(nameof(stores));

    /// <summary>The local file system only; cloud stores are added by the hosts that have them.</summary>
    public static ObjectStoreRegistry Default { get; } = new([new FileObjectStore()]);

    public bool CanHandle(string uri) => _stores.Any(s => s.CanHandle(uri));

    public Task<Stream> OpenReadAsync(string uri, CancellationToken ct) => Route(uri).OpenReadAsync(uri, ct);

    public Task WriteAsync(string uri, Stream content, string contentType, CancellationToken ct) => Route(uri).WriteAsync(uri, content, contentType, ct);

    public Task<bool> ExistsAsync(string uri, CancellationToken ct) => Route(uri).ExistsAsync(uri, ct);

    /// <summary>Appends <paramref name="name"/> to a folder URI or path with exactly one separator.</summary>
    public static string Combine(string folderUri, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(folderUri);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (HasScheme(folderUri))
        {
            return folderUri.TrimEnd('/') + "/" + name.TrimStart('/');
        }

        return Path.Combine(folderUri, name);
    }

    /// <summary>True for <c>scheme://...</c>; a Windows drive letter or a plain path has none.</summary>
    public static bool HasScheme(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf("://", StringComparison.Ordinal);
        return colon > 1 && uri[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }

    private IObjectStore Route(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        foreach (var store in _stores)
        {
            if (store.CanHandle(uri))
            {
                return store;
            }
        }

        var scheme = HasScheme(uri) ? uri[..uri.IndexOf("://", StringComparison.Ordinal)] : "(none)";
        throw new NotSupportedException($"No object store handles '{uri}' (scheme '{scheme}'). Supported here: plain paths and file://.");
    }
}
