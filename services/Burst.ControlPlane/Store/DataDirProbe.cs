namespace Burst.ControlPlane.Store;

/// <summary>
/// Says why a data dir cannot be written, from what the file system answers to creating a file there.
/// The probe never opens the database itself: closing any descriptor of that file would drop the
/// POSIX locks SQLite holds on it.
/// </summary>
internal static class DataDirProbe
{
    private const int ReadOnlyFileSystem = 30; // EROFS
    private const int NoSpace = 28; // ENOSPC

    /// <summary>Null when a file can be created in <paramref name="dataDir"/> (made first if missing); else what is wrong, as "is ...".</summary>
    public static string? Problem(string dataDir)
    {
        try
        {
            Directory.CreateDirectory(dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "cannot be created: " + Reason(e);
        }

        var probe = System.IO.Path.Combine(dataDir, $".burst-write-probe-{Environment.ProcessId}");
        try
        {
            using var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "is not writable: " + Reason(e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        IOException { HResult: ReadOnlyFileSystem } => "it is on a read-only file system",
        IOException { HResult: NoSpace } => "its file system is full",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };
}
