using System.Text.RegularExpressions;
using Burst.Cli.Tests.Support;
using Burst.ControlPlane.Security;
using Burst.Tests.Shared;

namespace Burst.Cli.Tests.Commands;

public sealed partial class AccessCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("burst-cli-access-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Keys_create_prints_a_new_key_once_with_the_line_for_the_keys_file()
    {
        var result = await BurstCli.RunAsync("keys", "create", "--name", "ci", "--role", "submit");

        Assert.Equal(0, result.ExitCode);
        var key = KeyLine().Match(result.Out).Groups[1].Value;
        var line = FileLine().Match(result.Out).Groups[1].Value;
        var entry = Assert.Single(ApiKeysFile.Parse("keys", [line]));
        Assert.Equal(("ci", ApiRole.Submit), (entry.Name, entry.Role));
        Assert.Equal(ApiKeys.Hash(key), entry.Hash);
        Assert.Equal(1, Regex.Count(result.Out, Regex.Escape(key)));
    }

    [Fact]
    public async Task Keys_create_refuses_an_unknown_role()
    {
        var result = await BurstCli.RunAsync("keys", "create", "--name", "ci", "--role", "owner");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("owner", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_on_a_reachable_address_without_keys_refuses_to_start_naming_both_options()
    {
        var result = await BurstCli.RunAsync("server", "--listen", "http://0.0.0.0:0", "--data-dir", _folder.FullName);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--api-keys FILE", result.Error, StringComparison.Ordinal);
        Assert.Contains("--insecure-no-auth", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_calls_a_tls_server_with_keys_using_ca_file_and_burst_api_key()
    {
        using var certs = TestCertificates.Create();
        var key = ApiKeys.Create();
        var keysFile = Path.Combine(_folder.FullName, "keys");
        await File.WriteAllTextAsync(keysFile, ApiKeys.FileLine("me", ApiRole.Admin, key) + "\n");
        var keyFile = Path.Combine(_folder.FullName, "my-key");
        await File.WriteAllTextAsync(keyFile, key + "\n");
        var output = new StringWriter();
        var error = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Synchronized(output), TextWriter.Synchronized(error));
        using var interrupt = new CancellationTokenSource();
        var running = Cli.RunAsync(
            ["server", "--listen", "https://127.0.0.1:0", "--data-dir", Path.Combine(_folder.FullName, "data"),
             "--api-keys", keysFile, "--tls-cert", certs.ServerCertFile, "--tls-key", certs.ServerKeyFile],
            context,
            interrupt.Token);
        try
        {
            var address = await WaitForAddressAsync(output, running);
            var withEnvironment = await BurstCli.RunAsync(
                ["list", "--server", address, "--ca-file", certs.CaFile],
                new CliOptions { Environment = new Dictionary<string, string> { ["BURST_API_KEY"] = key } });
            var withKeyFile = await BurstCli.RunAsync(
                ["list", "--server", address, "--api-key-file", keyFile],
                new CliOptions { Environment = new Dictionary<string, string> { ["BURST_CA_FILE"] = certs.CaFile } });
            var withoutKey = await BurstCli.RunAsync("list", "--server", address, "--ca-file", certs.CaFile);

            Assert.True(withEnvironment.ExitCode == 0, withEnvironment.ToString());
            Assert.Equal(["No jobs."], withEnvironment.OutLines);
            Assert.True(withKeyFile.ExitCode == 0, withKeyFile.ToString());
            Assert.Equal(ExitCodes.Failed, withoutKey.ExitCode);
            Assert.Contains("Unauthenticated", withoutKey.Error, StringComparison.Ordinal);
            Assert.Contains($"who may call: API keys from {keysFile}; TLS", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await interrupt.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task Under_mtls_the_cli_calls_with_client_cert_and_without_one_is_unauthenticated()
    {
        using var certs = TestCertificates.Create();
        var output = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Synchronized(output), TextWriter.Null);
        using var interrupt = new CancellationTokenSource();
        var running = Cli.RunAsync(
            ["server", "--listen", "https://127.0.0.1:0", "--data-dir", _folder.FullName,
             "--tls-cert", certs.ServerCertFile, "--tls-key", certs.ServerKeyFile, "--client-ca", certs.CaFile],
            context,
            interrupt.Token);
        try
        {
            var address = await WaitForAddressAsync(output, running);
            var with = await BurstCli.RunAsync(
                ["list", "--server", address, "--ca-file", certs.CaFile, "--client-cert", certs.ClientCertFile, "--client-key", certs.ClientKeyFile]);
            var without = await BurstCli.RunAsync("list", "--server", address, "--ca-file", certs.CaFile);

            Assert.True(with.ExitCode == 0, with.ToString());
            Assert.Equal(ExitCodes.Failed, without.ExitCode);
            Assert.Contains("client certificate", without.Error, StringComparison.Ordinal);
            Assert.Contains("TLS with client certificates (mTLS)", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await interrupt.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task A_server_on_loopback_without_keys_says_it_is_in_single_user_mode()
    {
        var output = new StringWriter();
        var context = CliContext.ForWriters(TextWriter.Synchronized(output), TextWriter.Null);
        using var interrupt = new CancellationTokenSource();
        var running = Cli.RunAsync(["server", "--listen", "http://127.0.0.1:0", "--data-dir", _folder.FullName], context, interrupt.Token);

        await WaitForAddressAsync(output, running);
        await interrupt.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains("who may call: single-user mode", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<string> WaitForAddressAsync(StringWriter output, Task<int> running)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var match = ListeningOn().Match(output.ToString());
            if (match.Success && output.ToString().Contains("who may call", StringComparison.Ordinal))
            {
                return match.Groups[1].Value;
            }

            Assert.False(running.IsCompleted, $"burst server ended early:\n{output}");
            await Task.Delay(20, timeout.Token);
        }
    }

    [GeneratedRegex(@"listening on (https?://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();

    [GeneratedRegex(@"BURST_API_KEY\): (\S+)")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"keys file: (.+)")]
    private static partial Regex FileLine();
}
