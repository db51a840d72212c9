using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Burst.ControlPlane.Store;

/// <summary>
/// Group commit for new jobs, in two stages that overlap:
/// <list type="number">
/// <item>The commit loop takes every submit that queued while the writer was busy and stores them in
/// one transaction, committed without waiting for the disk (synchronous=NORMAL for that commit only).</item>
/// <item>The sync loop flushes the write-ahead log to disk (fsync) and only then answers the submits
/// whose transactions committed before the flush began. While it waits on the disk, the commit loop
/// goes on storing the next submits, whose answers wait for the next flush.</item>
/// </list>
/// So a submit is still answered only once it is durable, but the writer never waits for the disk
/// with the lock held, and one flush answers every transaction that committed while the last one ran.
/// Until its flush, a new job is hidden from every read (<see cref="IsDurable"/>): no one can see a job,
/// or its first event, that a power cut could still take away. Every other commit
/// (<see cref="CommitAsync"/>) keeps synchronous=FULL, whose flush also covers the new jobs before it.
/// </summary>
internal sealed partial class SqliteJobStore
{
    private const int MaxCreateBatch = 256;

    // Blocking queues, each drained by a thread of its own: a loop parked on the thread pool would wait
    // behind the very requests it is to answer whenever they keep every pool thread busy.
    private readonly BlockingCollection<PendingCreate> _creates = [];
    private readonly BlockingCollection<PendingCreate> _committed = [];
    private readonly ConcurrentDictionary<string, byte> _notYetDurable = new(StringComparer.Ordinal);
    private Thread? _createLoop;
    private Thread? _syncLoop;
    private FileStream? _wal;
    private long _createTransactions;
    private long _walFlushes;

    /// <summary>
    /// Queues the new job for the group commit and returns once it is durable. Cancelling the wait
    /// does not withdraw the job: it may still be stored (a retry with the same request id finds it).
    /// </summary>
    public Task<CreateJobOutcome> CreateJobAsync(NewJob newJob, CancellationToken cancellationToken)
    {
        var pending = new PendingCreate(newJob);
        try
        {
            _creates.Add(pending, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteJobStore));
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>How many transactions stored new jobs: fewer than the jobs when submits arrived together.</summary>
    internal long CreateTransactions => Interlocked.Read(ref _createTransactions);

    /// <summary>How many flushes of the write-ahead log answered new jobs: at most one per create transaction.</summary>
    internal long WalFlushes => Interlocked.Read(ref _walFlushes);

    /// <summary>Awaited before each flush of the log: tests hold a flush back with it to look between commit and durability.</summary>
    internal Func<Task>? BeforeWalFlush { get; set; }

    /// <summary>New jobs waiting for the commit loop.</summary>
    internal int QueuedCreates => _creates.Count;

    /// <summary>False for a new job between its commit and the flush that makes it durable: reads skip it.</summary>
    private bool IsDurable(string jobId) => _notYetDurable.IsEmpty || !_notYetDurable.ContainsKey(jobId);

    private void StartGroupCommit()
    {
        OpenWal();
        _createLoop = new Thread(CreateLoop) { IsBackground = true, Name = "store commit" };
        _syncLoop = new Thread(SyncLoop) { IsBackground = true, Name = "store flush" };
        _createLoop.Start();
        _syncLoop.Start();
    }

    /// <summary>
    /// The log file exists once the schema is written, and lives as long as the writer connection (a writer
    /// reopened after a fault opens it anew). Its handle is kept open: SQLite holds no lock on it, and
    /// flushing through any handle flushes the file. Called under the write gate, or before the loops start.
    /// </summary>
    private void OpenWal()
    {
        var fresh = new FileStream(Path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        Interlocked.Exchange(ref _wal, fresh)?.Dispose();
    }

    private void StopGroupCommit()
    {
        _creates.CompleteAdding();
        _createLoop?.Join();
        _committed.CompleteAdding();
        _syncLoop?.Join();
        _wal?.Dispose();
    }

    private void CreateLoop()
    {
        var batch = new List<PendingCreate>();
        while (_creates.TryTake(out var first, Timeout.Infinite))
        {
            batch.Add(first);
            _writeGate.Wait();
            try
            {
                // Taken once the writer is free: everything that queued meanwhile goes in this transaction.
                while (batch.Count < MaxCreateBatch && _creates.TryTake(out var pending))
                {
                    batch.Add(pending);
                }

                ReopenIfFaulted();
                Writer(null, "PRAGMA synchronous=NORMAL").ExecuteNonQuery();
                try
                {
                    CommitCreates(batch);
                }
                finally
                {
                    Writer(null, "PRAGMA synchronous=FULL").ExecuteNonQuery();
                }
            }
            catch (SqliteException e)
            {
                // Only the pragmas can fail here (CommitCreates answers its own failures): answer whoever is still waiting.
                var failure = WriteFailed(e);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(failure);
                }
            }
            finally
            {
                _writeGate.Release();
                batch.Clear();
            }
        }
    }

    /// <summary>Stores the batch in one transaction and passes it on to the sync loop; a failed job is answered at once.</summary>
    private void CommitCreates(List<PendingCreate> batch)
    {
        var outcomes = new CreateJobOutcome[batch.Count];
        try
        {
            using var tx = _writer.BeginTransaction();
            Interlocked.Increment(ref _createTransactions);
            for (var i = 0; i < batch.Count; i++)
            {
                outcomes[i] = CreateJob(tx, batch[i].NewJob);
                if (outcomes[i].Status == CreateJobStatus.Created)
                {
                    // Hidden before the commit makes it visible, until the flush makes it durable.
                    _notYetDurable.TryAdd(outcomes[i].Job.JobId, 0);
                }
            }

            tx.Commit();
            _faulted = false;
        }
        catch (Exception) when (batch.Count > 1)
        {
            Unhide(outcomes);

            // One bad item (a duplicate job id, a corrupt request row) or a failed commit (a full disk)
            // undoes the shared transaction: then each job gets a transaction of its own, and its own answer.
            // Failures are rare, so the common case pays for no savepoint per item.
            foreach (var pending in batch)
            {
                CommitCreates([pending]);
            }

            return;
        }
        catch (Exception e)
        {
            Unhide(outcomes);
            batch[0].Done.TrySetException(WriteFailed(e));
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Outcome = outcomes[i];
            _committed.Add(batch[i]);
        }
    }

    private void Unhide(IEnumerable<CreateJobOutcome?> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome is { Status: CreateJobStatus.Created })
            {
                _notYetDurable.TryRemove(outcome.Job.JobId, out _);
            }
        }
    }

    private void SyncLoop()
    {
        var due = new List<PendingCreate>();
        while (_committed.TryTake(out var first, Timeout.Infinite))
        {
            // Everything here committed before this flush starts, so the flush covers it all.
            due.Add(first);
            while (_committed.TryTake(out var pending))
            {
                due.Add(pending);
            }

            if (BeforeWalFlush is { } hold)
            {
                hold().GetAwaiter().GetResult();
            }

            Exception? failure = null;
            try
            {
                WalFile.FlushData(Volatile.Read(ref _wal)!);
                Interlocked.Increment(ref _walFlushes);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The jobs are stored but may not be on the disk: they become visible (a later commit's flush
                // or the next start will keep or lose them as the disk does), and their submitters hear of the
                // failure; a retry with the same request id finds its job.
                failure = WriteFailed(new SqliteException($"disk I/O error: the job store could not flush its log to disk: {e.Message}", SqliteIoError));
            }

            Unhide(due.Select(p => p.Outcome));
            foreach (var pending in due)
            {
                if (failure is null)
                {
                    pending.Done.TrySetResult(pending.Outcome!);
                }
                else
                {
                    pending.Done.TrySetException(failure);
                }
            }

            due.Clear();
        }
    }

    /// <summary>
    /// fdatasync where there is one: it writes the file's data and whatever is needed to read it back
    /// (its size), but not its times, which is all a log needs and what SQLite itself calls where it can.
    /// On ext4 it skips a journal commit that fsync would wait for on every flush.
    /// </summary>
    private static partial class WalFile
    {
        public static void FlushData(FileStream file)
        {
            if (!OperatingSystem.IsLinux())
            {
                file.Flush(flushToDisk: true);
                return;
            }

            var handle = file.SafeFileHandle;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (FdataSync((int)handle.DangerousGetHandle()) != 0)
                {
                    throw new IOException($"fdatasync failed: {new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError()).Message}");
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
        private static partial int FdataSync(int fd);
    }

    private sealed class PendingCreate(NewJob newJob)
    {
        public NewJob NewJob { get; } = newJob;

        public TaskCompletionSource<CreateJobOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set once its transaction has committed.</summary>
        public CreateJobOutcome? Outcome { get; set; }
    }
}
