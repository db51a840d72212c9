using System.Diagnostics;

namespace Burst.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A small ext4 file system on a loop device, mounted with errors=remount-ro, that this test turns
/// read-only under a running server (it needs root).
/// <para>
/// Linux refuses to make a file system or a bind mount read-only (mount -o remount,ro and
/// mount -o remount,bind,ro fail with EBUSY, "mount point is busy") while a process holds a file
/// there open for writing, as SQLite does. What does turn a busy file system read-only is the kernel
/// itself, when ext4 meets an error: <c>/sys/fs/ext4/DEV/trigger_fs_error</c> raises one, writes then
/// fail with EROFS and reads go on. Such a file system stays read-only until it is mounted again
/// (mount -o remount,rw keeps it "emergency_ro"), so "writable again" is the disk repaired and
/// mounted anew at the same place: a copy of the image, checked by e2fsck, on a second loop device.
/// </para>
/// </summary>
internal sealed class Ext4Disk : IDisposable
{
    private static readonly Lazy<string?> Unsupported = new(Probe);
    private readonly List<string> _images = [];
    private readonly List<string> _loops = [];
    private int _mounts;

    private Ext4Disk(string path) => Path = path;

    /// <summary>Null where this machine can do all of it; else why not.</summary>
    public static string? WhyUnsupported => Unsupported.Value;

    public string Path { get; }

    public static Ext4Disk Mount(string size)
    {
        var disk = new Ext4Disk(Repo.TempDir("burst-ext4"));
        try
        {
            var image = disk.Path + ".img";
            Run("truncate", "-s", size, image);
            disk._images.Add(image);
            Run("mkfs.ext4", "-q", "-F", image);
            disk.Attach(image);
            return disk;
        }
        catch
        {
            disk.Dispose();
            throw;
        }
    }

    /// <summary>What the kernel does on an ext4 error with errors=remount-ro: the mounted file system turns read-only.</summary>
    public void TurnReadOnly()
    {
        var device = System.IO.Path.GetFileName(_loops[^1]);
        File.WriteAllText($"/sys/fs/ext4/{device}/trigger_fs_error", "burst test: the data dir's disk turns read-only");
    }

    /// <summary>The disk repaired and mounted again where it was: a checked copy of the image, on top of the read-only mount.</summary>
    public void MountRepaired()
    {
        var repaired = $"{_images[^1]}.{_images.Count}";
        File.Copy(_images[^1], repaired);
        _images.Add(repaired);

        // 0: clean, 1: errors corrected (the error that turned it read-only is recorded in the superblock).
        var check = RunForExitCode("e2fsck", "-f", "-y", repaired);
        if (check is not (0 or 1))
        {
            throw new InvalidOperationException($"e2fsck -f -y {repaired} exited with {check}");
        }

        Attach(repaired);
    }

    public void Dispose()
    {
        // Lazy: a process that still has a file open there must not keep the mounts alive.
        for (; _mounts > 0; _mounts--)
        {
            RunForExitCode("umount", "-l", Path);
        }

        foreach (var loop in _loops)
        {
            // Still in use by a lazily unmounted file system: the kernel detaches it when that goes.
            RunForExitCode("losetup", "-d", loop);
        }

        foreach (var image in _images)
        {
            File.Delete(image);
        }

        Directory.Delete(Path);
    }

    private void Attach(string image)
    {
        var loop = Run("losetup", "--find", "--show", image).Trim();
        _loops.Add(loop);
        Run("mount", "-t", "ext4", "-o", "errors=remount-ro", loop, Path);
        _mounts++;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "needs root on Linux to mount an ext4 image on a loop device";
        }

        try
        {
            using var disk = Mount("8m");
            var file = System.IO.Path.Combine(disk.Path, "probe");
            File.WriteAllText(file, "before");
            disk.TurnReadOnly();
            try
            {
                File.WriteAllText(file, "after");
                return "this kernel did not turn the ext4 file system read-only on trigger_fs_error (errors=remount-ro)";
            }
            catch (IOException e) when (e.HResult == 30)
            {
            }

            if (File.ReadAllText(file) != "before")
            {
                return "this kernel serves no reads from an ext4 file system it turned read-only on an error";
            }

            disk.MountRepaired();
            File.WriteAllText(file, "after");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount an ext4 image on a loop device and turn it read-only here: {e.Message}";
        }
    }

    private static string Run(string file, params string[] args)
    {
        var (exitCode, output, error) = Execute(file, args);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {exitCode}: {error}");
    }

    private static int RunForExitCode(string file, params string[] args) => Execute(file, args).ExitCode;

    private static (int ExitCode, string Output, string Error) Execute(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}

/// <summary>A fact that needs <see cref="Ext4Disk"/>: skipped, saying why, where this machine cannot do it.</summary>
internal sealed class Ext4DiskFactAttribute : FactAttribute
{
    public Ext4DiskFactAttribute()
    {
        if (Ext4Disk.WhyUnsupported is { } why)
        {
            Skip = why;
        }
    }
}
