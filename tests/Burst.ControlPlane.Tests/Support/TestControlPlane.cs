using Burst.ControlPlane.Providers;
using Burst.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Burst.ControlPlane.Tests.Support;

/// <summary>A control plane on a free loopback port with a temporary data dir and a fake provider.</summary>
internal sealed class TestControlPlane : IAsyncDisposable
{
    /// <summary>How long a test waits for something that should happen: a failure, never a measurement.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly bool _ownsDataDir;

    private TestControlPlane(WebApplication app, string dataDir, bool ownsDataDir, FakeWorkerProvider provider)
    {
        _app = app;
        _ownsDataDir = ownsDataDir;
        DataDir = dataDir;
        Provider = provider;
        Address = ControlPlaneApp.BoundAddress(app);
        Channel = GrpcChannel.ForAddress(Address);
        Jobs = new JobService.JobServiceClient(Channel);
        Agents = new AgentService.AgentServiceClient(Channel);
    }

    public Uri Address { get; }

    public string DataDir { get; }

    public FakeWorkerProvider Provider { get; }

    public GrpcChannel Channel { get; }

    public JobService.JobServiceClient Jobs { get; }

    public AgentService.AgentServiceClient Agents { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestControlPlane> StartAsync(
        FakeWorkerProvider? provider = null,
        TimeProvider? time = null,
        string? dataDir = null,
        Action<ControlPlaneOptions>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var ownsDataDir = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("burst-cp-test-").FullName;
        provider ??= new FakeWorkerProvider();
        var options = new ControlPlaneOptions
        {
            Listen = "http://127.0.0.1:0",
            DataDir = dataDir,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            HeartbeatTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        var app = ControlPlaneApp.Build(options, [], collection =>
        {
            collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            collection.RemoveAll<IWorkerProvider>();
            collection.AddSingleton<IWorkerProvider>(provider);
            if (time is not null)
            {
                collection.AddSingleton(time);
            }

            services?.Invoke(collection);
        });
        await app.StartAsync();
        provider.Exits = app.Services.GetRequiredService<WorkerExits>();
        return new TestControlPlane(app, dataDir, ownsDataDir, provider);
    }

    /// <summary>A small search (6 trials) unless the test says otherwise.</summary>
    public static JobSpec SmallSpec(int trials = 6) => new() { Search = new Search { Trials = trials } };

    public async Task<Job> SubmitAsync(JobSpec? spec = null, string requestId = "") =>
        await Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec ?? SmallSpec(), RequestId = requestId });

    /// <summary>Every event of the watch, to its end.</summary>
    public async Task<List<JobEvent>> WatchAsync(string jobId, long afterSequence = 0)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var call = Jobs.WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = afterSequence }, cancellationToken: timeout.Token);
        var events = new List<JobEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>The first event of the job (from the start) that matches.</summary>
    public async Task<JobEvent> WaitForEventAsync(string jobId, Func<JobEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var call = Jobs.WatchJob(new WatchJobRequest { JobId = jobId }, cancellationToken: timeout.Token);
        await foreach (var e in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            if (match(e))
            {
                return e;
            }
        }

        throw new InvalidOperationException($"job {jobId} ended without the awaited event.");
    }

    public Task<JobEvent> WaitForStateAsync(string jobId, JobState state) =>
        WaitForEventAsync(jobId, e => e.StateChanged?.State == state);

    public Task<JobEvent> WaitForWorkerAsync(string jobId, string workerId, WorkerState state) =>
        WaitForEventAsync(jobId, e => e.Worker?.WorkerId == workerId && e.Worker.State == state);

    /// <summary>Waits until the job is terminal and returns it.</summary>
    public async Task<Job> FinishedAsync(string jobId)
    {
        await WatchAsync(jobId);
        return await Jobs.GetJobAsync(new GetJobRequest { JobId = jobId });
    }

    /// <summary>Stops the server but keeps the data dir (for a restart on it).</summary>
    public async Task StopAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }

        await Provider.DisposeAsync();
        if (_ownsDataDir)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
