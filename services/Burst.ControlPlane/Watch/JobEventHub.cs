using Burst.ControlPlane.Lifecycle;
using Burst.ControlPlane.Store;
using Burst.V1;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Watch;

/// <summary>
/// The fan-out of a job's events to its watchers. Each watched job has one <see cref="JobEventBuffer"/>
/// shared by all its watchers. At each commit (<see cref="Notify"/>) the hub reads the new events from
/// the store once and appends them; every watcher is served from the buffer, so a commit costs one
/// store read however many watch it. A watcher whose next event is older than the buffer reads the
/// store itself, then goes back to the buffer. Everything in the buffer came from the store, so a
/// watcher never sees an event before it is durable, and each watcher asks for exactly the sequence
/// after its last, so it sees no gap and no duplicate.
/// </summary>
internal sealed partial class JobEventHub(IJobStore store, IOptions<ControlPlaneOptions> options, ILogger<JobEventHub> logger)
{
    private readonly Lock _gate = new();
    private readonly IJobStore _store = store;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Starts following a job; dispose to stop. The job's buffer lives while someone follows it.</summary>
    public Subscription Subscribe(string jobId)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(jobId, out var entry))
            {
                entry = new Entry(jobId, new JobEventBuffer(Math.Max(1, options.Value.WatchBufferEvents)));
                _entries[jobId] = entry;
            }

            entry.Subscribers++;
            return new Subscription(this, entry);
        }
    }

    /// <summary>Call after events of the job were committed: its watchers get them (one store read, shared).</summary>
    public void Notify(string jobId)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(jobId, out entry))
            {
                return;
            }

            // Commits that land while a read is under way are picked up by one more read, not one each.
            if (entry.Pulling)
            {
                entry.PullAgain = true;
                return;
            }

            entry.Pulling = true;
        }

        _ = Task.Run(() => PullAsync(entry));
    }

    private async Task PullAsync(Entry entry)
    {
        var batch = Math.Max(1, options.Value.WatchBufferEvents);
        try
        {
            while (true)
            {
                long? after;
                lock (_gate)
                {
                    entry.PullAgain = false;
                    after = entry.Buffer.Newest ?? entry.KnownLast;
                }

                // Before any watcher has read the store there is nothing to continue from: each one reads for itself.
                if (after is { } from)
                {
                    var events = await _store.ReadEventsAsync(entry.JobId, from, batch, CancellationToken.None);
                    lock (_gate)
                    {
                        entry.Buffer.Add(events);
                        entry.PullAgain |= events.Count == batch;
                    }
                }

                TaskCompletionSource changed;
                lock (_gate)
                {
                    changed = entry.Swap();
                    if (!entry.PullAgain)
                    {
                        entry.Pulling = false;
                        changed.TrySetResult();
                        return;
                    }
                }

                changed.TrySetResult();
            }
        }
        catch (Exception e)
        {
            // The watchers cannot be served from here: they read the store themselves (and get its error).
            LogPullFailed(logger, entry.JobId, e);
            TaskCompletionSource changed;
            lock (_gate)
            {
                entry.Buffer.Clear();
                entry.KnownLast = null;
                entry.Pulling = false;
                changed = entry.Swap();
            }

            changed.TrySetResult();
        }
    }

    private void Unsubscribe(Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Subscribers == 0)
            {
                _entries.Remove(entry.JobId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: reading new events for its watchers failed; they read the store themselves")]
    private static partial void LogPullFailed(ILogger logger, string jobId, Exception error);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal sealed class Entry(string jobId, JobEventBuffer buffer)
    {
        public string JobId { get; } = jobId;

        public JobEventBuffer Buffer { get; } = buffer;

        /// <summary>The job's last sequence as the store last said, while the buffer is empty.</summary>
        public long? KnownLast { get; set; }

        public int Subscribers { get; set; }

        public bool Pulling { get; set; }

        public bool PullAgain { get; set; }

        /// <summary>Completes when the buffer changes.</summary>
        public TaskCompletionSource Changed { get; private set; } = NewSignal();

        public TaskCompletionSource Swap()
        {
            var fired = Changed;
            Changed = NewSignal();
            return fired;
        }
    }

    /// <summary>One watcher's hold on a job's buffer.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly JobEventHub _hub;
        private readonly Entry _entry;
        private bool _disposed;

        internal Subscription(JobEventHub hub, Entry entry)
        {
            _hub = hub;
            _entry = entry;
        }

        /// <summary>
        /// The next events after <paramref name="after"/>, at most <paramref name="max"/>, in order; waits
        /// until there are some. Empty when the job's terminal event is at or before <paramref name="after"/>:
        /// nothing will follow.
        /// </summary>
        public async Task<IReadOnlyList<JobEvent>> NextAsync(long after, int max, CancellationToken cancellationToken)
        {
            var gate = _hub._gate;
            while (true)
            {
                var events = new List<JobEvent>();
                Task changed;
                BufferRead read;
                lock (gate)
                {
                    // Taken before looking, so a change right after the look still wakes this watcher.
                    changed = _entry.Changed.Task;
                    read = _entry.Buffer.Read(after, max, events);
                    if (read != BufferRead.Served && _entry.Buffer.TerminalSequence <= after)
                    {
                        return [];
                    }
                }

                if (read == BufferRead.Served)
                {
                    return events;
                }

                if (read == BufferRead.Behind)
                {
                    var stored = await _hub._store.ReadEventsAsync(_entry.JobId, after, max, cancellationToken);
                    lock (gate)
                    {
                        _entry.Buffer.Add(stored);
                    }

                    if (stored.Count > 0)
                    {
                        return stored;
                    }

                    // Nothing after `after` in the store, and the buffer was empty: learn where the job is,
                    // so the next commit's read has a place to start (and a watcher past the end stops).
                    var job = await _hub._store.GetJobAsync(_entry.JobId, cancellationToken);
                    if (job is null || (JobTransitions.IsTerminal(job.State) && after >= job.LastSequence))
                    {
                        return [];
                    }

                    lock (gate)
                    {
                        if (_entry.Buffer.Count == 0 && (_entry.KnownLast ?? -1) < job.LastSequence)
                        {
                            _entry.KnownLast = job.LastSequence;
                        }
                    }

                    // A commit between the read and now may have gone unread (no place to start then).
                    if (job.LastSequence > after)
                    {
                        continue;
                    }
                }

                await changed.WaitAsync(cancellationToken);
            }
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _hub.Unsubscribe(_entry);
            }
        }
    }
}
