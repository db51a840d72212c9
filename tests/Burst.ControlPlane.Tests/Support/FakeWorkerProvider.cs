using System.Collections.Concurrent;
using Burst.ControlPlane.Providers;
using Burst.ControlPlane.Store;

namespace Burst.ControlPlane.Tests.Support;

/// <summary>A provider named "local" whose workers are <see cref="FakeAgent"/>s in this process.</summary>
internal sealed class FakeWorkerProvider : IWorkerProvider, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeAgent> _agents = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FakeAgent>> _waiters = new();

    public string Name => LocalWorkerProvider.ProviderName;

    /// <summary>The behaviour of the agent for a launch; null starts no agent (the worker never attaches).</summary>
    public Func<WorkerLaunch, FakeAgentBehavior?> Behavior { get; set; } = _ => new FakeAgentBehavior();

    /// <summary>When set, agents dial this instead of the launch's URL (a restarted control plane on a new port).</summary>
    public Func<string>? Url { get; set; }

    public WorkerLiveness AdoptAnswer { get; set; } = WorkerLiveness.Unknown;

    public ConcurrentQueue<WorkerLaunch> Launches { get; } = new();

    public ConcurrentQueue<string> Stopped { get; } = new();

    /// <summary>Set by the test control plane: where this provider reports exits.</summary>
    public WorkerExits? Exits { get; set; }

    public Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        Launches.Enqueue(launch);
        if (Behavior(launch) is { } behavior)
        {
            var agent = new FakeAgent(() => Url?.Invoke() ?? launch.ControlPlaneUrl, launch.JobId, launch.WorkerId, launch.AgentToken, behavior);
            _agents[Key(launch.JobId, launch.WorkerId)] = agent;
            agent.Start();
            Waiter(launch.JobId, launch.WorkerId).TrySetResult(agent);
        }

        return Task.FromResult(new WorkerInstance($"fake-{launch.WorkerId}"));
    }

    public async Task StopAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        Stopped.Enqueue(worker.WorkerId);
        if (_agents.TryGetValue(Key(worker.JobId, worker.WorkerId), out var agent))
        {
            // A stopped agent that was told Cancel or Shutdown has ended by itself; the others end here.
            await agent.Ended.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            await agent.KillAsync();
        }
    }

    public Task<WorkerLiveness> AdoptAsync(WorkerRecord worker, CancellationToken cancellationToken) => Task.FromResult(AdoptAnswer);

    /// <summary>The agent of a worker, once it was started.</summary>
    public Task<FakeAgent> AgentAsync(string jobId, string workerId) => Waiter(jobId, workerId).Task.WaitAsync(TestControlPlane.Patience);

    public WorkerLaunch Launch(string jobId, string workerId) => Launches.Single(l => l.JobId == jobId && l.WorkerId == workerId);

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
        {
            await agent.DisposeAsync();
        }
    }

    private TaskCompletionSource<FakeAgent> Waiter(string jobId, string workerId) =>
        _waiters.GetOrAdd(Key(jobId, workerId), _ => new TaskCompletionSource<FakeAgent>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static string Key(string jobId, string workerId) => $"{jobId}/{workerId}";
}
