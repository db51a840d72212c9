namespace Burst.ControlPlane.Watch;

/// <summary>
/// Per-job "something was committed" signals. A watcher never receives events from here: it reads them
/// from the store after its last sequence, and waits on the job's signal only once it has caught up.
/// Nothing is queued per watcher, so a slow watcher costs no memory and can never miss an event.
/// </summary>
internal sealed class JobEventHub
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Starts listening for a job's commits; dispose to stop.</summary>
    public Subscription Subscribe(string jobId)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(jobId, out var entry))
            {
                entry = new Entry();
                _entries[jobId] = entry;
            }

            entry.Subscribers++;
            return new Subscription(this, jobId, entry);
        }
    }

    /// <summary>Wakes every watcher of the job; call after its events are committed.</summary>
    public void Notify(string jobId)
    {
        TaskCompletionSource? fired = null;
        lock (_gate)
        {
            if (_entries.TryGetValue(jobId, out var entry))
            {
                fired = entry.Signal;
                entry.Signal = NewSignal();
            }
        }

        fired?.TrySetResult();
    }

    private void Unsubscribe(string jobId, Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Subscribers == 0)
            {
                _entries.Remove(jobId);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal sealed class Entry
    {
        public TaskCompletionSource Signal { get; set; } = NewSignal();

        public int Subscribers { get; set; }
    }

    /// <summary>One watcher's hold on a job's signal.</summary>
    public sealed class Subscription(JobEventHub hub, string jobId, Entry entry) : IDisposable
    {
        private bool _disposed;

        /// <summary>
        /// A task that completes at the next commit. Take it before reading the store, then wait on it
        /// only if the read found nothing new: a commit between the two completes it, so none is missed.
        /// </summary>
        public Task NextCommit()
        {
            lock (hub._gate)
            {
                return entry.Signal.Task;
            }
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                hub.Unsubscribe(jobId, entry);
            }
        }
    }
}
