using System.Reflection;

namespace Burst.ControlPlane.Web;

/// <summary>
/// The dashboard's files, embedded in this assembly at build time (web/dashboard, bundled by
/// web/dashboard/build.mjs). A build without node_modules embeds none; then every page says so.
/// </summary>
internal sealed class DashboardAssets
{
    public const string ResourcePrefix = "Burst.ControlPlane.dashboard/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".map"] = "application/json",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    };

    private readonly Dictionary<string, byte[]> _files;

    public DashboardAssets(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        _files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            _files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }
    }

    /// <summary>True when the bundle (index.html and app.js) was embedded.</summary>
    public bool Built => _files.ContainsKey("index.html") && _files.ContainsKey("app.js");

    public bool TryGet(string name, out byte[] content, out string contentType)
    {
        contentType = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        return _files.TryGetValue(name, out content!);
    }
}
