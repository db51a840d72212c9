using Burst.Training.Storage;

namespace Burst.TrainerAgent.Agent;

/// <summary>
/// `bundled://census/adult.data` names the data shipped next to this executable
/// (data/census/...). A job's default dataset uses it, so that it resolves on the
/// worker's own machine rather than on the control plane's.
/// </summary>
public sealed class BundledObjectStore(string root, IObjectStore files) : IObjectStore
{
    public const string Scheme = "bundled://";

    public static BundledObjectStore ForExecutable(IObjectStore files) =>
        new(Path.Combine(AppContext.BaseDirectory, "data"), files);

    public bool CanHandle(string uri) => uri.StartsWith(Scheme, StringComparison.Ordinal);

    public Task<Stream> OpenReadAsync(string uri, CancellationToken ct) => files.OpenReadAsync(Resolve(uri), ct);

    public Task WriteAsync(string uri, Stream content, string contentType, CancellationToken ct) =>
        throw new NotSupportedException($"{uri}: the bundled data is read-only");

    public Task<bool> ExistsAsync(string uri, CancellationToken ct) => files.ExistsAsync(Resolve(uri), ct);

    public string Resolve(string uri)
    {
        var relative = uri[Scheme.Length..];
        if (relative.Length == 0 || relative.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{uri}' is not a valid bundled data path", nameof(uri));
        }

        return Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
    }
}
