using System.Diagnostics;
using System.Text;
using Burst.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Burst.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real `burst server` process on a loopback port with its own data dir; it can be
/// SIGKILLed and started again on the same port and data dir.
/// </summary>
internal sealed class BurstServer : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    private BurstServer(int port, string dataDir, IReadOnlyDictionary<string, string>? environment, string? apiKey)
    {
        Port = port;
        DataDir = dataDir;
        _environment = environment ?? new Dictionary<string, string>();
        Channel = GrpcChannel.ForAddress(Address);
        var invoker = Channel.CreateCallInvoker();
        Jobs = new JobService.JobServiceClient(apiKey is null
            ? invoker
            : Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(invoker, metadata =>
            {
                metadata.Add("authorization", "Bearer " + apiKey);
                return metadata;
            }));
    }

    public int Port { get; }

    public string DataDir { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    public GrpcChannel Channel { get; }

    public JobService.JobServiceClient Jobs { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts `burst server`; <paramref name="environment"/> adds variables (its agents inherit them);
    /// <paramref name="apiKey"/> is sent on every call of <see cref="Jobs"/> (for a server with Burst__ApiKeysFile).
    /// </summary>
    public static async Task<BurstServer> StartAsync(string? dataDir = null, IReadOnlyDictionary<string, string>? environment = null, string? apiKey = null)
    {
        var server = new BurstServer(Repo.FreePort(), dataDir ?? Repo.TempDir("burst-e2e"), environment, apiKey);
        await server.StartProcessAsync();
        return server;
    }

    public async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(Repo.Executable("burst"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDir,
        };
        foreach (var arg in new[] { "server", "--listen", Address, "--data-dir", DataDir, "--web-listen", "none" })
        {
            info.ArgumentList.Add(arg);
        }

        // Short heartbeat timeouts make a killed agent count as lost within seconds.
        info.Environment["Burst__HeartbeatInterval"] = "00:00:01";
        info.Environment["Burst__HeartbeatTimeout"] = "00:00:10";
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start burst server");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"burst server exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                await Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 1 }, deadline: DateTime.UtcNow.AddSeconds(2));
                return;
            }
            catch (RpcException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: false);
        _process?.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Channel.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
