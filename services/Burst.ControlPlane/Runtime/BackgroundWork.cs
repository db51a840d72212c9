using System.Collections.Concurrent;

namespace Burst.ControlPlane.Runtime;

/// <summary>
/// Work started from inside a request or a lock that must not wait for it (stopping a worker, starting
/// one): it runs on its own, its failure is logged, and shutdown waits for what is still running.
/// </summary>
internal sealed class BackgroundWork(ILogger<BackgroundWork> logger)
{
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private long _next;

    public void Run(string what, Func<Task> work)
    {
        var id = Interlocked.Increment(ref _next);
        var task = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception e)
            {
                logger.BackgroundWorkFailed(e, what);
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        });
        _running.TryAdd(id, task);
        if (task.IsCompleted)
        {
            _running.TryRemove(id, out _);
        }
    }

    /// <summary>Waits for the work still running, at most <paramref name="timeout"/>.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var pending = _running.Values.ToArray();
        if (pending.Length > 0)
        {
            await Task.WhenAll(pending).WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
