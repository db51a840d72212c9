using System.Net;
using System.Net.Sockets;

namespace Burst.EndToEnd.Tests.Infrastructure;

internal static class Repo
{
    /// <summary>The repository root (the folder holding BurstGrpc.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>An executable from this test's build output (the referenced projects' apphosts land here).</summary>
    public static string Executable(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{name} is not in the test output folder", path);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string TempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BurstGrpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (BurstGrpc.sln) above " + AppContext.BaseDirectory);
    }
}
