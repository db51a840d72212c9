using System.Diagnostics;

namespace Burst.Cli.Commands;

/// <summary>
/// Finds and runs <c>burst-agent</c>: $BURST_AGENT_PATH (an executable or a .dll), else the apphost or
/// burst-agent.dll next to this assembly, where the build puts it.
/// </summary>
internal static class AgentProcess
{
    public static ProcessStartInfo StartInfo(CliContext context, IEnumerable<string> arguments)
    {
        var (fileName, prefix) = Locate(context);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Runs the agent, copying its output line by line; the agent's exit code is returned as it is.</summary>
    public static async Task<int> RunAsync(CliContext context, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = StartInfo(context, arguments) };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliUsageException($"cannot run {process.StartInfo.FileName}: {e.Message}", e);
        }

        var copyOut = CopyAsync(process.StandardOutput, context.Out);
        var copyError = CopyAsync(process.StandardError, context.Error);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            await Task.WhenAll(copyOut, copyError);
        }

        return process.ExitCode;
    }

    private static (string FileName, string[] Prefix) Locate(CliContext context)
    {
        if (context.GetEnvironmentVariable("BURST_AGENT_PATH") is { } configured)
        {
            return Launch(configured);
        }

        var folder = AppContext.BaseDirectory;
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "burst-agent.exe" : "burst-agent");
        if (File.Exists(apphost))
        {
            return (apphost, []);
        }

        var dll = Path.Combine(folder, "burst-agent.dll");
        if (File.Exists(dll))
        {
            return Launch(dll);
        }

        throw new CliUsageException($"burst-agent was not found next to burst in {folder}; set BURST_AGENT_PATH to its executable or .dll");
    }

    private static (string FileName, string[] Prefix) Launch(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [path]) : (path, []);

    private static async Task CopyAsync(StreamReader from, TextWriter to)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            to.WriteLine(line);
        }
    }
}
