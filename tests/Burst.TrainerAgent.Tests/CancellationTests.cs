using System.Diagnostics;

namespace Burst.TrainerAgent.Tests;

public sealed class CancellationTests
{
    [Fact]
    public async Task Sigint_during_a_search_stops_it_with_exit_code_130()
    {
        using var folder = new TempFolder();
        var agent = Path.Combine(AppContext.BaseDirectory, "burst-agent.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { agent, "train", "--cv-iterations", "500", "--census-data-path", Fixtures.CensusDirectory, "--model-output-path", folder["model"] })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("trial ", StringComparison.Ordinal))
        {
        }

        Assert.NotNull(line);
        using (var kill = Process.Start("kill", ["-s", "INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("cancelled", await stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder["model"], "model.json")));
    }
}
