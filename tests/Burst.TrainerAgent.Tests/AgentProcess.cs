using System.Diagnostics;

namespace Burst.TrainerAgent.Tests;

/// <summary>Runs the built burst-agent as a real process, the way scripts and the control plane do.</summary>
internal static class AgentProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var agent = Path.Combine(AppContext.BaseDirectory, "burst-agent.dll");
        Assert.True(File.Exists(agent), $"burst-agent.dll is not beside the tests: {agent}");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(agent);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A temporary folder removed when the test ends.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "burst-agent-tests", Guid.NewGuid().ToString("N"));

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public string File(string name, string content)
    {
        System.IO.File.WriteAllText(this[name], content);
        return this[name];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Fixtures
{
    /// <summary>Three quick configs in the shared/bench format.</summary>
    public const string ThreeConfigs = """
        [
         {"gamma": 0.0008, "learning_rate": 0.19, "max_depth": 5, "n_estimators": 25, "reg_lambda": 0.001},
         {"gamma": 0.0005, "learning_rate": 0.15, "max_depth": 4, "n_estimators": 20, "reg_lambda": 0.0002},
         {"gamma": 0.0010, "learning_rate": 0.12, "max_depth": 6, "n_estimators": 15, "reg_lambda": 0.0015}
        ]
        """;

    public static string CensusDirectory
    {
        get
        {
            var beside = System.IO.Path.Combine(AppContext.BaseDirectory, "data", "census");
            return System.IO.File.Exists(System.IO.Path.Combine(beside, "adult.data")) ? beside : Burst.Training.DatasetLoader.BundledCensusDirectory;
        }
    }
}
