namespace Burst.ControlPlane.Providers;

/// <summary>How to start burst-agent: an executable, or a .dll run by the dotnet host.</summary>
internal sealed record AgentCommand(string FileName, IReadOnlyList<string> Arguments)
{
    public const string PathVariable = "BURST_AGENT_PATH";

    /// <summary>
    /// The configured AgentPath, else BURST_AGENT_PATH, else burst-agent next to this assembly (the
    /// apphost, or burst-agent.dll through dotnet). A path ending in .dll runs through dotnet.
    /// </summary>
    public static AgentCommand Resolve(string? configured)
    {
        var path = !string.IsNullOrEmpty(configured) ? configured
            : Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : DefaultPath();
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"burst-agent was not found at {path}: build it, or set Burst:AgentPath or {PathVariable}.", path);
        }

        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new AgentCommand(DotnetHost(), [path])
            : new AgentCommand(path, []);
    }

    private static string DefaultPath()
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "burst-agent.exe" : "burst-agent");
        return File.Exists(apphost) ? apphost : Path.Combine(AppContext.BaseDirectory, "burst-agent.dll");
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
