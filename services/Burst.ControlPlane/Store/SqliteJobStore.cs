using Burst.ControlPlane.Lifecycle;
using Burst.V1;
using Google.Protobuf;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Burst.ControlPlane.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. One writer connection, used by one transaction at a
/// time, commits with synchronous=FULL so a commit survives a SIGKILL or a power cut; new jobs are made
/// durable by the group commit instead (SqliteJobStore.GroupCommit.cs). Readers open their own (pooled)
/// connections and never wait for the writer.
/// A write the data dir cannot take (read-only, full, gone) marks the store faulted: the error names the
/// data dir and why, health reports NOT_SERVING, and the next write or health check opens the file
/// afresh, so that service resumes once the data dir is writable again, even on a file system mounted anew.
/// </summary>
internal sealed partial class SqliteJobStore : IJobStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS jobs (
            job_id TEXT NOT NULL PRIMARY KEY,
            state INTEGER NOT NULL,
            create_time_ms INTEGER NOT NULL,
            last_sequence INTEGER NOT NULL,
            job BLOB NOT NULL,
            trace_parent TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, job_id);
        CREATE TABLE IF NOT EXISTS events (
            job_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            event BLOB NOT NULL,
            PRIMARY KEY (job_id, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS workers (
            job_id TEXT NOT NULL,
            worker_id TEXT NOT NULL,
            state INTEGER NOT NULL,
            instance TEXT NOT NULL,
            pid INTEGER,
            process_start INTEGER,
            last_report_sequence INTEGER NOT NULL,
            assigned BLOB NOT NULL,
            refit INTEGER NOT NULL,
            PRIMARY KEY (job_id, worker_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS trials (
            job_id TEXT NOT NULL,
            trial_id INTEGER NOT NULL,
            rung INTEGER NOT NULL,
            result BLOB NOT NULL,
            PRIMARY KEY (job_id, trial_id, rung)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS agent_tokens (
            token_hash BLOB NOT NULL PRIMARY KEY,
            job_id TEXT NOT NULL,
            worker_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS request_ids (
            request_id TEXT NOT NULL PRIMARY KEY,
            job_id TEXT NOT NULL,
            request_spec BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS store_probe (
            id INTEGER NOT NULL PRIMARY KEY,
            writes INTEGER NOT NULL
        );
        """;

    // Result codes (the primary byte of an extended code) of a write that failed for want of a writable file.
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    private readonly string _dataDir;
    private readonly string _connectionString;
    private readonly string _reopenConnectionString;
    private SqliteConnection _writer;
    private volatile bool _faulted;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _writerCommands = new(StringComparer.Ordinal);

    public SqliteJobStore(string dataDir)
    {
        _dataDir = dataDir;
        if (DataDirProbe.Problem(dataDir) is { } problem)
        {
            throw new DataDirException(dataDir, problem);
        }

        Path = System.IO.Path.Combine(dataDir, "burst.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        // The writer lives outside the readers' pool. One reopened after a fault must find the file where it
        // was: it never creates an empty database in its place.
        _reopenConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
        try
        {
            _writer = OpenWriter(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
            Execute(_writer, Schema);
            AddColumnIfMissing("jobs", "trace_parent", "TEXT");

            // The order trials were committed in: an adaptive planner learns from the results in that order.
            AddColumnIfMissing("trials", "committed", "INTEGER");
        }
        catch (SqliteException e)
        {
            _writer?.Dispose();
            throw new DataDirException(dataDir, $"holds a job database that cannot be opened for writing ({Path}): {e.Message}", e);
        }

        StartGroupCommit();
    }

    public string Path { get; }

    private CreateJobOutcome CreateJob(SqliteTransaction tx, NewJob newJob)
    {
        if (!string.IsNullOrEmpty(newJob.RequestId))
        {
            var find = Writer(tx, "SELECT job_id, request_spec FROM request_ids WHERE request_id = $r", ("$r", newJob.RequestId));
            using var reader = find.ExecuteReader();
            if (reader.Read())
            {
                var existingId = reader.GetString(0);
                var existingSpec = JobSpec.Parser.ParseFrom((byte[])reader[1]);
                reader.Close();
                var existing = ReadJob(_writer, tx, existingId)
                    ?? throw new InvalidOperationException($"request id {newJob.RequestId} names job {existingId}, which is not stored.");
                return new CreateJobOutcome(existing, existingSpec.Equals(newJob.RequestSpec) ? CreateJobStatus.Existing : CreateJobStatus.Conflict);
            }
        }

        var job = newJob.Job;
        var first = newJob.FirstEvent;
        first.JobId = job.JobId;
        first.Sequence = 1;
        job.LastSequence = 1;
        Writer(
            tx,
            "INSERT INTO jobs (job_id, state, create_time_ms, last_sequence, job, trace_parent) VALUES ($id, $state, $created, 1, $job, $trace)",
            ("$id", job.JobId),
            ("$state", (int)job.State),
            ("$created", job.CreateTime?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? 0),
            ("$job", job.ToByteArray()),
            ("$trace", newJob.TraceParent)).ExecuteNonQuery();

        InsertEvent(tx, first);
        if (!string.IsNullOrEmpty(newJob.RequestId))
        {
            var remember = Writer(
                tx,
                "INSERT INTO request_ids (request_id, job_id, request_spec) VALUES ($r, $id, $spec)",
                ("$r", newJob.RequestId),
                ("$id", job.JobId),
                ("$spec", newJob.RequestSpec.ToByteArray()));
            remember.ExecuteNonQuery();
        }

        return new CreateJobOutcome(job.Clone(), CreateJobStatus.Created);
    }

    public async Task<IReadOnlyList<JobEvent>> CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        var job = commit.Job;

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ReopenIfFaulted();
            using var tx = _writer.BeginTransaction();
            long lastSequence;
            JobState storedState;
            using (var reader = Writer(tx, "SELECT last_sequence, state FROM jobs WHERE job_id = $id", ("$id", job.JobId)).ExecuteReader())
            {
                if (!reader.Read())
                {
                    throw new InvalidOperationException($"job {job.JobId} is not stored.");
                }

                lastSequence = reader.GetInt64(0);
                storedState = (JobState)reader.GetInt32(1);
            }

            // The rules live in one table (Lifecycle/JobTransitions.cs); the store only refuses what breaks them.
            if (JobTransitions.Refusal(storedState, job.State, commit.Events) is { } refusal)
            {
                throw new InvalidOperationException($"job {job.JobId}: {refusal}");
            }

            foreach (var e in commit.Events)
            {
                e.JobId = job.JobId;
                e.Sequence = ++lastSequence;
                InsertEvent(tx, e);
            }

            job.LastSequence = lastSequence;
            Writer(
                tx,
                "UPDATE jobs SET state = $state, last_sequence = $seq, job = $job WHERE job_id = $id",
                ("$id", job.JobId),
                ("$state", (int)job.State),
                ("$seq", lastSequence),
                ("$job", job.ToByteArray())).ExecuteNonQuery();

            foreach (var w in commit.Workers)
            {
                var assigned = new RunTrials();
                assigned.Trials.AddRange(w.Assigned);
                var upsert = Writer(
                    tx,
                    """
                    INSERT OR REPLACE INTO workers (job_id, worker_id, state, instance, pid, process_start, last_report_sequence, assigned, refit)
                    VALUES ($job, $worker, $state, $instance, $pid, $start, $report, $assigned, $refit)
                    """,
                    ("$job", job.JobId),
                    ("$worker", w.WorkerId),
                    ("$state", (int)w.State),
                    ("$instance", w.Instance),
                    ("$pid", w.Pid),
                    ("$start", w.ProcessStart),
                    ("$report", w.LastReportSequence),
                    ("$assigned", assigned.ToByteArray()),
                    ("$refit", w.Refit ? 1 : 0));
                upsert.ExecuteNonQuery();
            }

            foreach (var t in commit.Trials)
            {
                var insert = Writer(
                    tx,
                    "INSERT OR IGNORE INTO trials (job_id, trial_id, rung, result, committed) VALUES ($job, $trial, $rung, $result, (SELECT COALESCE(MAX(committed), 0) + 1 FROM trials WHERE job_id = $job))",
                    ("$job", job.JobId),
                    ("$trial", t.TrialId),
                    ("$rung", t.Rung),
                    ("$result", t.ToByteArray()));
                insert.ExecuteNonQuery();
            }

            foreach (var token in commit.Tokens)
            {
                var insert = Writer(
                    tx,
                    "INSERT INTO agent_tokens (token_hash, job_id, worker_id) VALUES ($hash, $job, $worker)",
                    ("$hash", token.TokenHash),
                    ("$job", token.JobId),
                    ("$worker", token.WorkerId));
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            _faulted = false;
            return commit.Events;
        }
        catch (SqliteException e)
        {
            throw WriteFailed(e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<Job?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!IsDurable(jobId))
        {
            return Task.FromResult<Job?>(null);
        }

        using var connection = OpenReader();
        return Task.FromResult(ReadJob(connection, null, jobId));
    }

    public Task<IReadOnlyList<Job>> ListJobsAsync(JobState? state, string? beforeJobId, int limit, CancellationToken cancellationToken)
    {
        // Only the conditions that apply: "$before IS NULL OR job_id < $before" would hide the range
        // from the planner, and every page would scan from the newest job down to where it starts.
        var conditions = new List<string>();
        if (state is not null)
        {
            conditions.Add("state = $state");
        }

        if (beforeJobId is not null)
        {
            conditions.Add("job_id < $before");
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        using var connection = OpenReader();
        using var command = Command(
            connection,
            null,
            $"SELECT job FROM jobs {where} ORDER BY job_id DESC LIMIT $limit",
            ("$state", state is null ? null : (int)state.Value),
            ("$before", beforeJobId),
            ("$limit", limit));
        return Task.FromResult(DurableOnly(ReadAll(command, r => Job.Parser.ParseFrom((byte[])r[0]))));
    }

    public Task<IReadOnlyList<Job>> ListJobsInStatesAsync(IReadOnlyCollection<JobState> states, int limit, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        var names = states.Select((_, i) => "$s" + i).ToArray();
        using var command = Command(
            connection,
            null,
            $"SELECT job FROM jobs WHERE state IN ({string.Join(", ", names)}) ORDER BY job_id LIMIT $limit",
            [.. states.Select((s, i) => (names[i], (object?)(int)s)), ("$limit", limit)]);
        return Task.FromResult(DurableOnly(ReadAll(command, r => Job.Parser.ParseFrom((byte[])r[0]))));
    }

    public Task<IReadOnlyList<JobEvent>> ReadEventsAsync(string jobId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        if (!IsDurable(jobId))
        {
            return Task.FromResult<IReadOnlyList<JobEvent>>([]);
        }

        using var connection = OpenReader();
        using var command = Command(
            connection,
            null,
            "SELECT event FROM events WHERE job_id = $id AND sequence > $after ORDER BY sequence LIMIT $limit",
            ("$id", jobId),
            ("$after", afterSequence),
            ("$limit", limit));
        return Task.FromResult<IReadOnlyList<JobEvent>>(ReadAll(command, r => JobEvent.Parser.ParseFrom((byte[])r[0])));
    }

    public Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(string jobId, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = Command(
            connection,
            null,
            "SELECT worker_id, state, instance, pid, process_start, last_report_sequence, assigned, refit FROM workers WHERE job_id = $id ORDER BY worker_id",
            ("$id", jobId));
        return Task.FromResult<IReadOnlyList<WorkerRecord>>(ReadAll(command, r => new WorkerRecord(jobId, r.GetString(0), (WorkerState)r.GetInt32(1))
        {
            Instance = r.GetString(2),
            Pid = r.IsDBNull(3) ? null : r.GetInt32(3),
            ProcessStart = r.IsDBNull(4) ? null : r.GetInt64(4),
            LastReportSequence = r.GetInt64(5),
            Assigned = RunTrials.Parser.ParseFrom((byte[])r[6]).Trials.ToArray(),
            Refit = r.GetInt32(7) != 0,
        }));
    }

    public Task<IReadOnlyList<TrialResult>> GetTrialResultsAsync(string jobId, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = Command(connection, null, "SELECT result FROM trials WHERE job_id = $id ORDER BY committed, rung, trial_id", ("$id", jobId));
        return Task.FromResult<IReadOnlyList<TrialResult>>(ReadAll(command, r => TrialResult.Parser.ParseFrom((byte[])r[0])));
    }

    public Task<AgentTokenRecord?> FindAgentTokenAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = Command(connection, null, "SELECT job_id, worker_id FROM agent_tokens WHERE token_hash = $hash", ("$hash", tokenHash));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? new AgentTokenRecord(tokenHash, reader.GetString(0), reader.GetString(1)) : null);
    }

    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        // A pooled connection would go on reading a file that was deleted (a volume gone, a wiped
        // disk) and answer as if all were well: the file must still be where it was.
        if (!File.Exists(Path))
        {
            return false;
        }

        try
        {
            using (var connection = OpenReader())
            using (var command = Command(connection, null, "SELECT count(*) FROM jobs WHERE 0"))
            {
                command.ExecuteScalar();
            }

            // Reads go on working on a read-only or full disk: after a failed write, only a write tells.
            return !_faulted || await ProbeWriteAsync(cancellationToken);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>Whether the data dir takes a write again (through a writer opened afresh); a success clears the fault.</summary>
    private async Task<bool> ProbeWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ReopenIfFaulted();
            using var tx = _writer.BeginTransaction();
            using (var probe = Command(_writer, tx, "INSERT INTO store_probe (id, writes) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET writes = writes + 1"))
            {
                probe.ExecuteNonQuery();
            }

            tx.Commit();
            _faulted = false;
            return true;
        }
        catch (SqliteException e)
        {
            WriteFailed(e);
            return false;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<string?> GetTraceParentAsync(string jobId, CancellationToken cancellationToken)
    {
        using var connection = OpenReader();
        using var command = Command(connection, null, "SELECT trace_parent FROM jobs WHERE job_id = $id", ("$id", jobId));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public IReadOnlyDictionary<JobState, long> CountJobsByState()
    {
        using var connection = OpenReader();
        using var command = Command(connection, null, "SELECT state, count(*) FROM jobs GROUP BY state");
        return ReadAll(command, r => ((JobState)r.GetInt32(0), r.GetInt64(1))).ToDictionary(x => x.Item1, x => x.Item2);
    }

    public void Dispose()
    {
        StopGroupCommit();
        foreach (var command in _writerCommands.Values)
        {
            command.Dispose();
        }

        _writer.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        _writeGate.Dispose();
    }

    private static SqliteConnection OpenWriter(string connectionString)
    {
        var writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();

            // SQLite opens a file it may not write read-only rather than fail: that is no writer.
            if (SQLitePCL.raw.sqlite3_db_readonly(writer.Handle, "main") == 1)
            {
                throw new SqliteException("SQLite opened the database read-only: the file or its folder is not writable.", SqliteReadOnly);
            }

            Execute(writer, "PRAGMA journal_mode=WAL;");
            Execute(writer, "PRAGMA synchronous=FULL;");
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// After a fault the open writer may still point at a file system that is gone for good (a disk that
    /// turned read-only on an error, repaired and mounted again): a fresh one opens the file where it is now.
    /// Called under the write gate.
    /// </summary>
    private void ReopenIfFaulted()
    {
        if (!_faulted || !File.Exists(Path))
        {
            return;
        }

        SqliteConnection fresh;
        try
        {
            fresh = OpenWriter(_reopenConnectionString);
        }
        catch (SqliteException)
        {
            // Still not writable: the old writer goes on answering, with the error that says why.
            return;
        }

        // Readers opened before may read the old file system too: they are closed as they come back.
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        foreach (var command in _writerCommands.Values)
        {
            command.Dispose();
        }

        _writerCommands.Clear();
        _writer.Dispose();
        _writer = fresh;
        try
        {
            OpenWal();
        }
        catch (IOException)
        {
            // The old handle stays: its next flush fails, and the store stays faulted until a reopen finds the log.
            _faulted = true;
        }
    }

    /// <summary>
    /// A write that failed because the data dir could not take it marks the store faulted, and its error
    /// says which folder and why ("is not writable: it is on a read-only file system", "is full"),
    /// keeping SQLite's own words after it.
    /// </summary>
    private Exception WriteFailed(Exception e)
    {
        if (e is not SqliteException sqlite || (sqlite.SqliteErrorCode & 0xff) is not (SqliteReadOnly or SqliteIoError or SqliteFull or SqliteCantOpen))
        {
            return e;
        }

        _faulted = true;
        var problem = DataDirProbe.Problem(_dataDir)
            ?? ((sqlite.SqliteErrorCode & 0xff) == SqliteFull ? "is full" : "cannot be written");
        return new SqliteException($"the data dir {_dataDir} {problem} ({sqlite.Message})", sqlite.SqliteErrorCode, sqlite.SqliteExtendedErrorCode);
    }

    private void InsertEvent(SqliteTransaction tx, JobEvent e) =>
        Writer(
            tx,
            "INSERT INTO events (job_id, sequence, event) VALUES ($id, $seq, $event)",
            ("$id", e.JobId),
            ("$seq", e.Sequence),
            ("$event", e.ToByteArray())).ExecuteNonQuery();

    /// <summary>
    /// A command on the writer connection, prepared once per statement text and kept: the writer runs
    /// the same few statements for every submit and report, and parsing them each time cost more than
    /// running them. Only called under <see cref="_writeGate"/> (or by the group-commit loop, which holds it).
    /// </summary>
    private SqliteCommand Writer(SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_writerCommands.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _writerCommands.Add(sql, command);
        }

        command.Transaction = tx;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static Job? ReadJob(SqliteConnection connection, SqliteTransaction? tx, string jobId)
    {
        using var command = Command(connection, tx, "SELECT job FROM jobs WHERE job_id = $id", ("$id", jobId));
        return command.ExecuteScalar() is byte[] bytes ? Job.Parser.ParseFrom(bytes) : null;
    }

    /// <summary>The jobs without those whose creation is not yet on the disk (SqliteJobStore.GroupCommit.cs).</summary>
    private IReadOnlyList<Job> DurableOnly(List<Job> jobs)
    {
        if (!_notYetDurable.IsEmpty)
        {
            jobs.RemoveAll(j => !IsDurable(j.JobId));
        }

        return jobs;
    }

    private static List<T> ReadAll<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read())
        {
            list.Add(read(reader));
        }

        return list;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>Brings a file made by an older version up to this schema: columns are only ever added.</summary>
    private void AddColumnIfMissing(string table, string column, string type)
    {
        using var info = Command(_writer, null, $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $column", ("$column", column));
        if (Convert.ToInt64(info.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            Execute(_writer, $"ALTER TABLE {table} ADD COLUMN {column} {type};");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, null, sql);
        command.ExecuteNonQuery();
    }
}
