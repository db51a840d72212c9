using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Burst.Cli.Tests.Support;

namespace Burst.Cli.Tests.Commands;

public sealed partial class ServerCommandTests : IDisposable
{
    private readonly DirectoryInfo _dataDir = Directory.CreateTempSubdirectory("burst-cli-server-");

    public void Dispose() => _dataDir.Delete(recursive: true);

    [Fact]
    public async Task Server_prints_the_address_it_bound_serves_the_cli_and_stops_cleanly_when_interrupted()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Synchronized(output), TextWriter.Synchronized(error));
        using var interrupt = new CancellationTokenSource();
        var running = Cli.RunAsync(
            ["server", "--listen", "http://127.0.0.1:0", "--data-dir", _dataDir.FullName, "--max-concurrent-jobs", "1"],
            context,
            interrupt.Token);

        var address = await WaitForAddressAsync(output, running);
        var listed = await BurstCli.RunAsync("list", "--server", address);
        interrupt.Cancel();
        var exitCode = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(["No jobs."], listed.OutLines);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{output}\n{error}");
        Assert.Contains($"(data: {_dataDir.FullName})", output.ToString());
        Assert.Contains("burst control plane stopped", output.ToString());
    }

    [Fact]
    public async Task An_explicit_web_listen_address_that_is_taken_fails_the_start_naming_the_flag()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await Cli.RunAsync(
            ["server", "--listen", "http://127.0.0.1:0", "--web-listen", $"http://127.0.0.1:{port}", "--data-dir", _dataDir.FullName],
            CliContext.ForWriters(output, error),
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains($"http://127.0.0.1:{port} (--web-listen)", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_default_dashboard_port_only_turns_the_dashboard_off_and_says_which_flag_moves_it()
    {
        // Hold the default port; if something else already holds it, it is taken all the same.
        using var taken = new TcpListener(IPAddress.Loopback, 8080);
        try
        {
            taken.Start();
        }
        catch (SocketException)
        {
        }

        var output = new StringWriter();
        var error = new StringWriter();
        using var interrupt = new CancellationTokenSource();
        var running = Cli.RunAsync(
            ["server", "--listen", "http://127.0.0.1:0", "--data-dir", _dataDir.FullName],
            CliContext.ForWriters(TextWriter.Synchronized(output), TextWriter.Synchronized(error)),
            interrupt.Token);

        var address = await WaitForAddressAsync(output, running);
        var listed = await BurstCli.RunAsync("list", "--server", address);
        interrupt.Cancel();
        var exitCode = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(0, exitCode);
        var warning = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("8080", StringComparison.Ordinal));
        Assert.Contains("no dashboard", warning, StringComparison.Ordinal);
        Assert.Contains("--web-listen", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("dashboard on", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<string> WaitForAddressAsync(StringWriter output, Task<int> running)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var match = ListeningOn().Match(output.ToString());
            if (match.Success)
            {
                return match.Groups[1].Value;
            }

            Assert.False(running.IsCompleted, $"burst server ended early:\n{output}");
            await Task.Delay(20, timeout.Token);
        }
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
