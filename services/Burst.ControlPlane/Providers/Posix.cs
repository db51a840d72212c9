using System.Globalization;
using System.Runtime.InteropServices;

namespace Burst.ControlPlane.Providers;

/// <summary>Signals and /proc: what .NET's Process lacks to stop a process gently and to recognise one after a restart.</summary>
internal static partial class Posix
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>Sends a signal; false when the process does not exist (or may not be signalled).</summary>
    public static bool Signal(int pid, int signal) => !OperatingSystem.IsWindows() && kill(pid, signal) == 0;

    /// <summary>
    /// The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), which together
    /// with the PID names one process for good; null where /proc is not available or the process is gone.
    /// </summary>
    public static long? StartTime(int pid) => ReadStat(pid) is { } stat ? stat.StartTime : null;

    /// <summary>
    /// True when <paramref name="pid"/> runs and, when <paramref name="startTime"/> is known, is the same
    /// process (a reused PID is not). A zombie counts as gone.
    /// </summary>
    public static bool IsRunning(int pid, long? startTime)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (ReadStat(pid) is { } stat)
        {
            return stat.State is not ('Z' or 'X') && (startTime is null || stat.StartTime == startTime);
        }

        return !OperatingSystem.IsLinux() && Signal(pid, 0);
    }

    private static (char State, long StartTime)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");

            // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
