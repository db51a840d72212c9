namespace Burst.Cloud.Storage;

/// <summary>A parsed gs://BUCKET/OBJECT URI.</summary>
public sealed record GcsUri(string Bucket, string ObjectName)
{
    public const string Scheme = "gs://";

    public static bool IsGcs(string uri) => uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses gs://BUCKET/OBJECT; the object name is everything after the bucket, as it is (no decoding).</summary>
    public static GcsUri Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsGcs(uri))
        {
            throw new ArgumentException($"'{uri}' is not a gs:// URI.", nameof(uri));
        }

        var rest = uri[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            throw new ArgumentException($"'{uri}' must name a bucket and an object: gs://BUCKET/OBJECT.", nameof(uri));
        }

        return new GcsUri(rest[..slash], rest[(slash + 1)..]);
    }

    public override string ToString() => $"{Scheme}{Bucket}/{ObjectName}";
}
