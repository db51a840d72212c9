using System.Diagnostics;

namespace Burst.EndToEnd.Tests.Infrastructure;

/// <summary>A small tmpfs this test mounts (it needs root): a data dir that can really fill up.</summary>
internal sealed class Tmpfs : IDisposable
{
    private static readonly Lazy<bool> Mountable = new(Probe);

    private Tmpfs(string path) => Path = path;

    public static bool CanMount => Mountable.Value;

    public string Path { get; }

    public static Tmpfs Mount(string size)
    {
        var dir = Repo.TempDir("burst-tmpfs");
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", dir);
        return new Tmpfs(dir);
    }

    /// <summary>Turns it read-only; Linux refuses (EBUSY) while any process holds a file there open for writing.</summary>
    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void RemountWritable() => Run("mount", "-o", "remount,rw", Path);

    public void Dispose()
    {
        // Lazy: a process that still has a file open there must not keep the mount alive.
        Run("umount", "-l", Path);
        Directory.Delete(Path);
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return false;
        }

        try
        {
            using var probe = Mount("64k");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {error}");
        }
    }
}

/// <summary>A fact that needs <see cref="Tmpfs"/>: skipped, saying why, where mounting is not permitted.</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!Tmpfs.CanMount)
        {
            Skip = "needs root with permission to mount a tmpfs (mount -t tmpfs) for a data dir that can fill up";
        }
    }
}
