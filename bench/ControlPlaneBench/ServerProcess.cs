using System.Globalization;

namespace Burst.Bench;

/// <summary>The server's CPU time and memory, read from /proc (Linux).</summary>
internal sealed class ServerProcess(int pid)
{
    private const double TicksPerSecond = 100; // sysconf(_SC_CLK_TCK) on Linux

    /// <summary>User plus system CPU time used so far.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces) start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Resident memory now (VmRSS) and at its peak (VmHWM), in MiB.</summary>
    public (double Now, double Peak) RssMiB()
    {
        double now = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                now = Kib(line) / 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024;
            }
        }

        return (now, peak);
    }

    private static double Kib(string line) =>
        double.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
