using Burst.Training.Storage;

namespace Burst.ControlPlane.Jobs;

/// <summary>
/// The folders under which a job may name plain paths and file:// URIs: the bundled data, the data dir,
/// the server user's home, the temp dir, and each --allow-path. Paths are compared after symlinks and
/// ".." are resolved as the file system would, so a link or a climb cannot lead outside.
/// </summary>
internal sealed class DataRoots
{
    private const int MaxLinkHops = 40;

    public DataRoots(IEnumerable<string> roots)
    {
        Roots = roots.Where(r => !string.IsNullOrWhiteSpace(r))
            .Select(r => RealPath(Path.GetFullPath(r)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyList<string> Roots { get; }

    public static DataRoots For(ControlPlaneOptions options)
    {
        var roots = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "data"),
            options.DataDir,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            Path.GetTempPath(),
        };
        if (options.AgentPath is { Length: > 0 } agent && Path.GetDirectoryName(Path.GetFullPath(agent)) is { } agentFolder)
        {
            roots.Add(Path.Combine(agentFolder, "data"));
        }

        roots.AddRange(options.AllowPaths);
        return new DataRoots(roots);
    }

    /// <summary>Whether the plain path or file:// URI lies under a root; <paramref name="resolved"/> is where it really leads.</summary>
    public bool Allows(string uri, out string resolved)
    {
        var path = FileObjectStore.ToPath(uri);
        resolved = RealPath(Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path));
        var target = resolved;
        return Roots.Any(root => Under(target, root));
    }

    private static bool Under(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var trimmed = root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return path.Equals(trimmed, comparison)
            || (path.StartsWith(trimmed, comparison) && path.Length > trimmed.Length && path[trimmed.Length] == Path.DirectorySeparatorChar)
            || trimmed.Length == 0;
    }

    /// <summary>
    /// The path with every symlink followed and every "." and ".." applied in order, component by component
    /// (as the kernel does: "link/.." is the link target's parent). Parts that do not exist stay as they are.
    /// </summary>
    internal static string RealPath(string absolute)
    {
        var hops = 0;
        return Resolve(absolute, ref hops);
    }

    private static string Resolve(string absolute, ref int hops)
    {
        var root = Path.GetPathRoot(absolute) ?? "/";
        var current = root;
        var parts = absolute[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, part);
            string? target = null;
            try
            {
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                target = info.LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable part is taken as it is written: the agent cannot follow it either.
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"too many symbolic links under {next}.");
            }

            current = Resolve(Path.IsPathRooted(target) ? target : Path.Combine(current, target), ref hops);
        }

        return current;
    }
}
